// The health port: how the supervisor has a replica's probes run on their schedule and hears
// each result. Probers implement it (prober.ts); the supervisor's tests use a fake.
import type { HealthPolicy } from '../reconciler/index.ts';
import type { ProbeResult, ProbeTarget } from './probe.ts';

export type Check = 'readiness' | 'liveness';
export type ProbeReport = (check: Check, result: ProbeResult) => void;

export interface WatchRequest {
  /** The replica watched; a watcher of several keeps them apart by it. */
  readonly replicaId: string;
  readonly health: HealthPolicy;
  readonly target: ProbeTarget;
}

/** Probes one replica until stopped. */
export interface HealthWatch {
  /** The replica said it is ready: probe now rather than at the next start_interval. */
  probeNow(): void;
  stop(): void;
}

export interface HealthWatcher {
  /** Starts probing at once; every result goes to `report`. */
  watch(request: WatchRequest, report: ProbeReport): HealthWatch;
}
