// Overload protection for a replica's server: an adaptive concurrency limit that refuses what
// is over it before any work, and turns of the event loop that keep answers going out while a
// burst is started.
export { OverloadGate, REFUSED, REFUSAL_MESSAGE, NOT_STARTED } from './gate.ts';
export { AdaptiveLimiter } from './limiter.ts';
export type { LimiterOptions, LimiterPhase } from './limiter.ts';
export { Turns } from './turns.ts';
export type { TurnsOptions } from './turns.ts';
export { refuseHttp } from './http-refusal.ts';
