// What `ps`, the API and the dashboard show of one service (the contract's ServiceStatus), made
// from its reconciler state (pure, no I/O).
import { isActive, serviceCondition, slotOf } from '../reconciler/index.ts';
import type { ServiceState } from '../reconciler/index.ts';
import type { ServiceStatus } from '../api/contract/index.ts';

export function statusOf(
  state: ServiceState,
  desired: number,
  members: ServiceStatus['members'],
  version: string,
  lastProbe: (replicaId: string) => string,
  autoscale: ServiceStatus['autoscale'] = null,
): ServiceStatus {
  const slots = Object.values(state.slots);
  const lastExit = slots
    .map((s) => s.lastExit)
    .filter((e) => e !== null)
    .sort((a, b) => b.at - a.at)[0];
  return {
    name: state.name,
    address: members[0]?.address ?? '',
    autoscale,
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
