// The reconciler: pure decisions over (observed state, target, now). The daemon feeds it events
// and carries out the actions it returns.
export { applyEvent } from './events.ts';
export type { EventContext } from './events.ts';
export { plan } from './plan.ts';
export type { Plan } from './plan.ts';
export { restartDelay } from './backoff.ts';
export { CRASH_LOOP_FAILURES, serviceCondition } from './status.ts';
export type { ServiceCondition } from './status.ts';
export { configDigest, isVersionOf, withRestartToken } from './version.ts';
export { emptyServiceState, isActive, isRoutable, slotOf } from './state.ts';
export type * from './types.ts';
