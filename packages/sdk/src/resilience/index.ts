// Resilience: policies (x-bricks.resilience), circuit breaker, retry budget, back-off,
// client-side throttling; the server's overload policy (its limiter lives in server/overload/).
export { resilienceSchema, parseResilience, encodeResilience, resolvePolicy, defaultPolicy, defaultRetryBudget, PolicyError } from './policy.ts';
export { resolveOverload, defaultOverload, resolveThrottle, defaultThrottle } from './policy.ts';
export type { ResilienceSpec, Policy, OverloadPolicy, ThrottlePolicy } from './policy.ts';
export { Throttle } from './throttle.ts';
export type { ThrottleOptions } from './throttle.ts';
export { CircuitBreaker } from './breaker.ts';
export type { BreakerState, BreakerOptions } from './breaker.ts';
export { RetryBudget } from './retry-budget.ts';
export { backoffDelay } from './backoff.ts';
export { retryVerdict, countsAsFailure, isBusy, acceptedBy } from './retryable.ts';
export type { RetryVerdict } from './retryable.ts';
