// Small pure helpers over ServiceState shared by the event reducer and the planner.
import type { Replica, ServiceState, SlotState } from './types.ts';

export function emptyServiceState(name: string): ServiceState {
  return { name, replicas: [], slots: {}, nextGeneration: 1, routed: [], lastUpdateStepAt: 0, rollout: null };
}

export function emptySlot(slot: number): SlotState {
  return { slot, failures: 0, attempts: 0, restarts: 0, nextStartAt: 0, lastExit: null, gaveUp: false, completed: false };
}

export function slotOf(state: ServiceState, slot: number): SlotState {
  return state.slots[slot] ?? emptySlot(slot);
}

export function withSlot(state: ServiceState, slot: SlotState): ServiceState {
  return { ...state, slots: { ...state.slots, [slot.slot]: slot } };
}

export function withReplica(state: ServiceState, id: string, change: (r: Replica) => Replica): ServiceState {
  return { ...state, replicas: state.replicas.map((r) => (r.id === id ? change(r) : r)) };
}

export function withoutReplica(state: ServiceState, id: string): ServiceState {
  return { ...state, replicas: state.replicas.filter((r) => r.id !== id) };
}

/** Replicas that count toward the desired number: not on their way out. */
export function isActive(r: Replica): boolean {
  return r.phase === 'starting' || r.phase === 'running';
}

/** Routable: spawned, passed readiness, not leaving. */
export function isRoutable(r: Replica): boolean {
  return r.phase === 'running' && r.ready;
}
