// Resilience: policies (x-bricks.resilience), circuit breaker, retry budget, back-off.
export { resilienceSchema, parseResilience, encodeResilience, resolvePolicy, defaultPolicy, defaultRetryBudget, PolicyError } from './policy.ts';
export type { ResilienceSpec, Policy } from './policy.ts';
export { CircuitBreaker } from './breaker.ts';
export type { BreakerState, BreakerOptions } from './breaker.ts';
export { RetryBudget } from './retry-budget.ts';
export { backoffDelay } from './backoff.ts';
export { retryVerdict, countsAsFailure } from './retryable.ts';
export type { RetryVerdict } from './retryable.ts';
