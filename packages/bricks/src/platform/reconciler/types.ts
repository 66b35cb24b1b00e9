// The reconciler's vocabulary: observed state per service, the facts that change it (events),
// what the desired state asks for (target), and the actions the runtime carries out.
import type { Probe, ProbeTiming, RestartCondition, UpdateFailureAction, UpdateOrder } from '../../stack/model.ts';

/** A replica's life as the reconciler sees it. Exited replicas leave the state (their slot remembers). */
export type ReplicaPhase = 'starting' | 'running' | 'stopping';

export type StopReason = 'scale-down' | 'liveness' | 'unready' | 'update' | 'shutdown';

export interface ProbeCounters {
  readonly successes: number;
  /** Consecutive failures; reset by a success. */
  readonly failures: number;
}

export interface Replica {
  /** Unique for the daemon's lifetime: `catalog.2#7`. */
  readonly id: string;
  /** What people see and what the replica is told: `catalog.2`. */
  readonly name: string;
  readonly service: string;
  readonly slot: number;
  readonly generation: number;
  readonly version: string;
  readonly phase: ReplicaPhase;
  readonly pid: number | null;
  readonly port: number | null;
  readonly createdAt: number;
  /** When the process was spawned; null until then. */
  readonly startedAt: number | null;
  readonly ready: boolean;
  readonly everReady: boolean;
  /** When it first passed readiness. */
  readonly readyAt: number | null;
  readonly readiness: ProbeCounters;
  readonly liveness: ProbeCounters;
  readonly stopReason: StopReason | null;
  readonly stoppingSince: number | null;
}

export interface ExitInfo {
  readonly code: number | null;
  readonly signal: string | null;
  readonly at: number;
  /** How long the process ran. */
  readonly ranMs: number;
}

/** A slot is one of the `replicas` positions of a service; it outlives the replicas in it. */
export interface SlotState {
  readonly slot: number;
  /** Consecutive failures: drives the back-off; reset after a run longer than the window. */
  readonly failures: number;
  /** Restarts counted against `max_attempts` (only failed ones, like Swarm). */
  readonly attempts: number;
  /** Every restart of this slot, for `ps`. */
  readonly restarts: number;
  /** No start before this time (back-off). */
  readonly nextStartAt: number;
  readonly lastExit: ExitInfo | null;
  /** `max_attempts` reached: nothing starts here until the service is restarted or redeployed. */
  readonly gaveUp: boolean;
  /** Exited in a way its restart condition accepts as finished (condition none, or on-failure with 0). */
  readonly completed: boolean;
}

export interface ServiceState {
  readonly name: string;
  readonly replicas: readonly Replica[];
  readonly slots: Readonly<Record<number, SlotState>>;
  readonly nextGeneration: number;
  /** Replica ids the proxy currently routes to. */
  readonly routed: readonly string[];
  /** When the rolling update last started a step (for `delay`). */
  readonly lastUpdateStepAt: number;
  /** The rollout toward the current target version; null before the first tick. */
  readonly rollout: Rollout | null;
}

export type RolloutState = 'rolling' | 'paused' | 'completed' | 'failed';

export interface Rollout {
  readonly version: string;
  readonly startedAt: number;
  /** Replicas of this version that crashed, failed liveness or were not ready in time. */
  readonly failures: number;
  readonly state: RolloutState;
  readonly reason: string | null;
  /** Nothing ran before it (a first start): there is no old version to watch the new one against. */
  readonly initial: boolean;
}

export type { UpdateFailureAction as FailureAction, UpdateOrder } from '../../stack/model.ts';

/** A restart policy with every knob set, as the reconciler runs it (local-defaults.ts fills it in). */
export interface RestartPolicy {
  readonly condition: RestartCondition;
  /** First back-off delay; doubles per consecutive failure up to maxDelayMs. */
  readonly delayMs: number;
  readonly maxDelayMs: number;
  /** null = unlimited. */
  readonly maxAttempts: number | null;
  /** A run at least this long resets the back-off (Compose `window`). */
  readonly windowMs: number;
}

/** Health with every timing knob set. */
export interface HealthPolicy {
  /** Gates traffic: a replica is routed to only while this passes. */
  readonly readiness: Probe;
  /** Failing it makes the platform replace the replica. */
  readonly liveness: Probe;
  readonly timing: ProbeTiming;
}

export interface UpdatePolicy {
  readonly parallelism: number;
  readonly delayMs: number;
  readonly order: UpdateOrder;
  /** After the last replica is ready, how long the new version must hold before it counts as done. */
  readonly monitorMs: number;
  /** Failures tolerated, as a share of the desired replicas (Swarm `max_failure_ratio`). */
  readonly maxFailureRatio: number;
  readonly failureAction: UpdateFailureAction;
  /** A new replica not ready this long after it was started is a failure of the rollout. */
  readonly readyTimeoutMs: number;
}

/** What the desired state asks of one service. */
export interface ServiceTarget {
  readonly replicas: number;
  /** Replicas of another version are replaced by a rolling update. */
  readonly version: string;
  readonly restart: RestartPolicy;
  readonly health: HealthPolicy;
  readonly stopGracePeriodMs: number;
  readonly update: UpdatePolicy;
  /** False while `depends_on` conditions are not met: nothing new starts. */
  readonly canStart: boolean;
}

export type ReplicaEvent =
  | { readonly type: 'spawned'; readonly replicaId: string; readonly pid: number; readonly port: number; readonly at: number }
  | { readonly type: 'spawn-failed'; readonly replicaId: string; readonly error: string; readonly at: number }
  | {
      readonly type: 'exited';
      readonly replicaId: string;
      readonly code: number | null;
      readonly signal: string | null;
      readonly at: number;
    }
  | {
      readonly type: 'probe';
      readonly replicaId: string;
      readonly check: 'readiness' | 'liveness';
      readonly ok: boolean;
      readonly at: number;
    };

export type Action =
  | { readonly type: 'route'; readonly service: string; readonly replicaIds: readonly string[] }
  | { readonly type: 'stop'; readonly replica: Replica; readonly reason: StopReason; readonly graceMs: number }
  | { readonly type: 'start'; readonly replica: Replica }
  /** The rollout toward `version` reached an end (once per state change). */
  | {
      readonly type: 'rollout';
      readonly service: string;
      readonly version: string;
      readonly state: Exclude<RolloutState, 'rolling'>;
      readonly reason: string | null;
    }
  /** Ask for another tick at this time (back-off expiry, update delay). */
  | { readonly type: 'wake'; readonly at: number };
