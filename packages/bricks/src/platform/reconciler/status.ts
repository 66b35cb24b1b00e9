// How a service looks from outside: a one-word condition for `ps` and the dashboard.
import { isActive, slotOf } from './state.ts';
import type { ServiceState } from './types.ts';

export type ServiceCondition = 'running' | 'starting' | 'degraded' | 'crash-looping' | 'failed' | 'completed' | 'stopped';

/** Consecutive failures of a slot from which it is reported as crash-looping. */
export const CRASH_LOOP_FAILURES = 3;

export function serviceCondition(state: ServiceState, desired: number): ServiceCondition {
  if (desired === 0) return 'stopped';
  const slots = Array.from({ length: desired }, (_, i) => slotOf(state, i + 1));
  if (slots.every((s) => s.gaveUp)) return 'failed';
  if (slots.some((s) => s.failures >= CRASH_LOOP_FAILURES && !s.completed)) return 'crash-looping';
  if (slots.every((s) => s.completed)) return 'completed';
  const ready = state.replicas.filter((r) => isActive(r) && r.ready).length;
  if (ready >= desired) return 'running';
  if (ready === 0 && state.replicas.some((r) => r.phase === 'starting' || (r.phase === 'running' && !r.everReady))) return 'starting';
  return 'degraded';
}
