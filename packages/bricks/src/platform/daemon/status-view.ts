// What `ps`, the API and the dashboard show of one service: a plain document made from its
// reconciler state (pure, no I/O).
import { isActive, serviceCondition, slotOf } from '../reconciler/index.ts';
import type { Replica, Rollout, ServiceCondition, ServiceState } from '../reconciler/index.ts';

export interface ReplicaStatus {
  readonly id: string;
  readonly name: string;
  readonly service: string;
  readonly slot: number;
  readonly version: string;
  readonly phase: Replica['phase'];
  readonly ready: boolean;
  readonly pid: number | null;
  readonly port: number | null;
  readonly startedAt: number | null;
  readonly restarts: number;
  readonly health: string;
  readonly stopReason: string | null;
}

export interface ServiceStatus {
  readonly name: string;
  readonly address: string;
  /** The services this unit serves: itself, or the members of its `x-bricks.group`. */
  readonly members: readonly { readonly name: string; readonly address: string }[];
  readonly version: string;
  readonly rollout: Rollout | null;
  readonly desired: number;
  readonly ready: number;
  readonly condition: ServiceCondition;
  readonly restarts: number;
  readonly lastExit: { code: number | null; signal: string | null } | null;
  readonly replicas: readonly ReplicaStatus[];
}

export function statusOf(
  state: ServiceState,
  desired: number,
  members: ServiceStatus['members'],
  version: string,
  lastProbe: (replicaId: string) => string,
): ServiceStatus {
  const slots = Object.values(state.slots);
  const lastExit = slots
    .map((s) => s.lastExit)
    .filter((e) => e !== null)
    .sort((a, b) => b.at - a.at)[0];
  return {
    name: state.name,
    address: members[0]?.address ?? '',
    members,
    version,
    rollout: state.rollout,
    desired,
    ready: state.replicas.filter((r) => isActive(r) && r.ready).length,
    condition: serviceCondition(state, desired),
    restarts: slots.reduce((n, s) => n + s.restarts, 0),
    lastExit: lastExit === undefined ? null : { code: lastExit.code, signal: lastExit.signal },
    replicas: state.replicas.map((r) => ({
      id: r.id,
      name: r.name,
      service: r.service,
      slot: r.slot,
      version: r.version,
      phase: r.phase,
      ready: r.ready,
      pid: r.pid,
      port: r.port,
      startedAt: r.startedAt,
      restarts: slotOf(state, r.slot).restarts,
      health: lastProbe(r.id),
      stopReason: r.stopReason,
    })),
  };
}
