// The local target's defaults: what a replica on this machine gets for every key the stack
// file leaves unset, each with the reason it differs from Compose's or Swarm's. The stack model
// keeps "unset"; this is the one place the local platform fills it in.
import type { AutoscaleSpec, ProbeTiming, Service } from '../stack/model.ts';
import type { AutoscalePolicy } from './reconciler/autoscale.ts';
import type { HealthPolicy, RestartPolicy, UpdatePolicy } from './reconciler/index.ts';

/** What the local platform runs for one service. */
export interface LocalSettings {
  readonly replicas: number;
  readonly restart: RestartPolicy;
  readonly health: HealthPolicy;
  readonly stopGracePeriodMs: number;
  readonly update: UpdatePolicy;
}

/**
 * When the file says nothing. Compose's own default is `restart: no`, but bricks is a
 * self-healing platform, so a replica that dies is restarted (condition any) quickly (100ms,
 * doubling to 10s so a crash loop does not spin a laptop's CPU); a run of 10s counts as
 * healthy again and resets the back-off.
 */
export const LOCAL_RESTART: RestartPolicy = {
  condition: 'any',
  delayMs: 100,
  maxDelayMs: 10_000,
  maxAttempts: null,
  windowMs: 10_000,
};

/**
 * Probe timing. Compose's own defaults (30s interval, 30s timeout) suit a datacentre; on a
 * laptop they would leave a dead replica routed for a minute and make `up` slow to turn ready,
 * so the local target probes every second and, before the first success, every 100ms so a
 * fresh replica gets traffic as soon as it listens.
 */
export const LOCAL_PROBE_TIMING: ProbeTiming = {
  intervalMs: 1000,
  timeoutMs: 1000,
  retries: 3, // Docker's default too
  startPeriodMs: 0,
  startIntervalMs: 100,
};

export const LOCAL_UPDATE_DEFAULTS: UpdatePolicy = {
  parallelism: 1,
  delayMs: 0,
  // Swarm's default is stop-first. Locally start-first: a laptop has room for one more
  // replica, and the service keeps its full capacity through the update.
  order: 'start-first',
  // Swarm watches each task for 5 s. Locally a new replica is already gated by readiness; 1 s
  // after the last one is ready catches a version that dies right after it starts.
  monitorMs: 1_000,
  maxFailureRatio: 0,
  // Swarm pauses by default. Locally the previous release is one step away, so a broken
  // version is rolled back at once instead of leaving the stack half-updated.
  failureAction: 'rollback',
  // A replica that is not ready in 30 s is not coming (Kubernetes' default startup budget).
  readyTimeoutMs: 30_000,
};

/** Compose's and Docker's default time between SIGTERM and SIGKILL. */
export const LOCAL_STOP_GRACE_MS = 10_000;

export function localSettings(s: Service): LocalSettings {
  return {
    // Compose's default is one replica; `mode: global` means one per node, and a laptop is one node.
    replicas: s.deploy.mode === 'global' || s.deploy.mode === 'global-job' ? 1 : (s.replicas ?? 1),
    restart: localRestart(s),
    health: {
      // A backing service's healthcheck is written for its image (`pg_isready` inside the
      // container); the local server binds its port only once it answers queries, so a TCP
      // connect is the local probe. An ambassador forwards every path (its /readyz is the
      // remote's), so it too is probed by a connect.
      readiness: platformProgram(s) ? { kind: 'tcp' } : s.health.readiness,
      liveness: platformProgram(s) ? { kind: 'tcp' } : s.health.liveness,
      timing: { ...LOCAL_PROBE_TIMING, ...definedOnly(s.health.timing) },
    },
    stopGracePeriodMs: s.stopGracePeriodMs ?? LOCAL_STOP_GRACE_MS,
    update: localUpdate(s),
  };
}

/**
 * The autoscaler's knobs when `x-bricks.autoscale` leaves them out. Kubernetes' HPA and
 * Knative judge a cluster over minutes; a laptop sees its own load steps at once and should
 * give CPU back soon, so the windows are shorter, each in proportion to theirs.
 */
export const LOCAL_AUTOSCALE = {
  /** Without a target: 10 requests in flight per replica. One Node event loop serves one request at a time; 10 queued keep latency within about ten of them. */
  concurrency: 10,
  /** HPA's default. */
  tolerance: 0.1,
  /** Knative averages over 60 s; 10 s answers a load step within seconds. */
  windowMs: 10_000,
  /** Knative's panic window is 10% of its stable window (6 s); 2 s here, sampled every second. */
  panicWindowMs: 2_000,
  /** Knative's: panic when the short window asks for twice what runs. */
  panicThreshold: 2,
  /** HPA's default policy: at most +100% per step. */
  maxScaleUpRate: 2,
  /** HPA waits 300 s before scaling down; 15 s keeps a laptop from flapping without holding CPU for minutes. */
  scaleDownDelayMs: 15_000,
  /** Knative keeps an idle revision 30 s (its scale-to-zero grace period) before it goes to zero. */
  idleMs: 30_000,
} as const;

/** The autoscaler's policy for a service that has `x-bricks.autoscale`; `replicas` is its floor when min is unset. */
export function localAutoscale(a: AutoscaleSpec, replicas: number): AutoscalePolicy {
  const d = LOCAL_AUTOSCALE;
  const targets = { concurrency: a.concurrency, rps: a.rps, cpu: a.cpu };
  const given = Object.fromEntries(Object.entries(targets).filter(([, v]) => v !== undefined));
  return {
    min: a.min ?? Math.min(replicas, a.max),
    max: a.max,
    targets: Object.keys(given).length > 0 ? given : { concurrency: d.concurrency },
    tolerance: a.tolerance ?? d.tolerance,
    stableWindowMs: a.windowMs ?? d.windowMs,
    panicWindowMs: Math.min(a.panicWindowMs ?? d.panicWindowMs, a.windowMs ?? d.windowMs),
    panicThreshold: a.panicThreshold ?? d.panicThreshold,
    maxScaleUpRate: a.maxScaleUpRate ?? d.maxScaleUpRate,
    scaleDownStabilizationMs: a.scaleDownDelayMs ?? d.scaleDownDelayMs,
    idleMs: a.idleMs ?? d.idleMs,
  };
}

function localRestart(s: Service): RestartPolicy {
  const r = s.restart;
  const delayMs = r.delayMs ?? LOCAL_RESTART.delayMs;
  return {
    condition: r.condition ?? LOCAL_RESTART.condition,
    delayMs,
    // A configured delay above the cap becomes the cap, so back-off never shortens it.
    maxDelayMs: Math.max(LOCAL_RESTART.maxDelayMs, delayMs),
    maxAttempts: r.maxAttempts ?? LOCAL_RESTART.maxAttempts,
    windowMs: r.windowMs ?? LOCAL_RESTART.windowMs,
  };
}

function localUpdate(s: Service): UpdatePolicy {
  const u = s.deploy.updateConfig ?? {};
  const d = LOCAL_UPDATE_DEFAULTS;
  const parallelism = u.parallelism ?? d.parallelism;
  return {
    // Swarm: 0 means all at once.
    parallelism: parallelism === 0 ? Number.MAX_SAFE_INTEGER : parallelism,
    delayMs: u.delayMs ?? d.delayMs,
    // One process owns a local database's data directory: the new one starts once the old one is gone.
    order: s.backing === undefined ? (u.order ?? d.order) : 'stop-first',
    monitorMs: u.monitorMs ?? d.monitorMs,
    maxFailureRatio: u.maxFailureRatio ?? d.maxFailureRatio,
    failureAction: u.failureAction ?? d.failureAction,
    readyTimeoutMs: s.bricks.readyTimeoutMs ?? d.readyTimeoutMs,
  };
}

/** Whether the local target runs one of bricks' own programs for the service (a database server, an ambassador). */
function platformProgram(s: Service): boolean {
  return s.backing !== undefined || s.bricks.ambassador !== undefined;
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
