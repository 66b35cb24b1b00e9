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

/**
 * The autoscaler's knobs on an engine when `x-bricks.autoscale` leaves them out. A cluster's
 * replica costs a pod or task start (seconds, an image pull) rather than a process, so these are
 * the engines' own defaults, not the laptop's (platform/local-defaults.ts).
 */
export const ENGINE_AUTOSCALE = {
  /** Without a target, on a Prometheus-fed scaler: 10 requests in flight per replica, as locally (one Node event loop; ten queued keep latency within about ten calls). */
  concurrency: 10,
  /** Rates over a minute: Prometheus' usual window, four scrapes at its default 15 s interval. */
  windowMs: 60_000,
  /** KEDA asks its triggers every 30 s by default; 15 s is the HPA's own sync period, so a load step is seen as soon as the HPA could act. */
  pollingIntervalMs: 15_000,
  /** The HPA's default scale-down stabilization window (5 min). */
  scaleDownDelayMs: 300_000,
  /** KEDA's default cooldown before a scaled-to-zero target goes from 1 to 0 (5 min). */
  idleMs: 300_000,
} as const;

/**
 * Where KEDA's Prometheus triggers query: the Service the Prometheus Operator creates for a
 * Prometheus in the `monitoring` namespace (kube-prometheus-stack's layout). `--prometheus-url`
 * and the chart's `autoscaling.prometheusUrl` name another.
 */
export const ENGINE_PROMETHEUS_URL = 'http://prometheus-operated.monitoring.svc:9090';

/**
 * The KEDA HTTP add-on as its Helm chart installs it (namespace `keda`): the interceptor that
 * holds a request while a service scaled to zero starts, and the external scaler that tells KEDA
 * about the requests it holds.
 */
export const KEDA_HTTP_ADDON = {
  interceptor: 'keda-add-ons-http-interceptor-proxy.keda.svc.cluster.local',
  interceptorPort: 8080,
  scalerAddress: 'keda-add-ons-http-external-scaler.keda:9090',
} as const;
