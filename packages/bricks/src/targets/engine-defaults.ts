// What the engine targets (Swarm, Kubernetes) fill in for keys the stack file leaves unset.
// The local platform has its own (platform/local-defaults.ts); where these differ from the
// engines' own defaults, the reason is given.
import type { ProbeTiming, Service, UpdateConfigSpec } from '../stack/model.ts';

/** Compose's default: one replica of a replicated service. */
export const ENGINE_REPLICAS = 1;

/** Compose's and Docker's time between SIGTERM and SIGKILL (Kubernetes' own is 30 s; Compose's wins, so a stack stops alike everywhere). */
export const ENGINE_STOP_GRACE_MS = 10_000;

/**
 * Probe timing. Docker's defaults (30 s interval and timeout) would keep a new task from
 * counting as healthy, and so from its DNS entry, for half a minute after it starts; the
 * local platform's quick probes are kept instead. Swarm raises the timeout of checks that
 * start a process (swarm/healthcheck.ts).
 */
export const ENGINE_PROBE_TIMING: ProbeTiming = {
  intervalMs: 1000,
  timeoutMs: 1000,
  retries: 3,
  startPeriodMs: 0,
  startIntervalMs: 100,
};

/** `deploy.update_config` with Compose's (and Swarm's) defaults: one at a time, stop-first, pause on failure. */
export interface EngineUpdate {
  /** 0 = all at once (Swarm's meaning). */
  readonly parallelism: number;
  readonly delayMs: number;
  readonly order: NonNullable<UpdateConfigSpec['order']>;
  readonly failureAction: NonNullable<UpdateConfigSpec['failureAction']>;
  readonly monitorMs?: number;
  readonly maxFailureRatio?: number;
}

export function engineUpdate(service: Service): EngineUpdate {
  const u = service.deploy.updateConfig ?? {};
  return {
    parallelism: u.parallelism ?? 1,
    delayMs: u.delayMs ?? 0,
    // A database's volume belongs to one server at a time: its new task starts once the old one is gone.
    order: service.backing === undefined ? (u.order ?? 'stop-first') : 'stop-first',
    failureAction: u.failureAction ?? 'pause',
    ...(u.monitorMs === undefined ? {} : { monitorMs: u.monitorMs }),
    ...(u.maxFailureRatio === undefined ? {} : { maxFailureRatio: u.maxFailureRatio }),
  };
}

export function engineProbeTiming(service: Service): ProbeTiming {
  return { ...ENGINE_PROBE_TIMING, ...Object.fromEntries(Object.entries(service.health.timing).filter(([, v]) => v !== undefined)) };
}

export function engineStopGraceMs(service: Service): number {
  return service.stopGracePeriodMs ?? ENGINE_STOP_GRACE_MS;
}

export function engineReplicas(service: Service): number {
  return service.replicas ?? ENGINE_REPLICAS;
}
