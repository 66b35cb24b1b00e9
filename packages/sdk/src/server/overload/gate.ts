// A replica's overload protection as the transports use it: every remote call takes a place
// in the adaptive limit when it arrives, before its body is read or decoded, and gives it back
// once answered; a call over the limit is refused at once. The refusal is RESOURCE_EXHAUSTED,
// marked as not started (not-started.ts):
// - not UNAVAILABLE, which here already means "gone" (connection refused, a server going away,
//   no ready replica) and which SDK clients retry at once and for free on another endpoint;
//   "busy" is retried only within the retry budget, with back-off, and feeds the client's
//   throttle;
// - stock gRPC clients' retry policies usually list UNAVAILABLE only, so they do not retry a
//   busy server into deeper overload; over HTTP, Connect maps it to 429 Too Many Requests.
// In-process calls are not limited: their caller runs on the same event loop and waits anyway.
import { performance } from 'node:perf_hooks';
import { BricksError } from '../../errors/index.ts';
import { NOT_STARTED_HEADER } from '../../errors/not-started.ts';
import type { OverloadPolicy } from '../../resilience/policy.ts';
import { AdaptiveLimiter } from './limiter.ts';
import { Turns } from './turns.ts';

/** Returned by `enter` for a refused call. */
export const REFUSED = -1;

export const REFUSAL_MESSAGE = 'the server is over its concurrency limit; the call was not started and may be retried';

export class OverloadGate {
  readonly limiter: AdaptiveLimiter;
  readonly turns: Turns;
  #refused = 0;

  constructor(
    policy: OverloadPolicy,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.limiter = new AdaptiveLimiter(
      {
        initial: policy.initialConcurrency,
        min: policy.minConcurrency,
        max: policy.maxConcurrency,
        tolerance: policy.tolerance,
        slackMs: policy.slackMs,
        windowMs: policy.windowMs,
        minSamples: policy.minSamples,
        baselineMs: policy.baselineMs,
      },
      now,
    );
    this.turns = new Turns({ sliceMs: policy.sliceMs, now, nextTurn: setImmediate });
  }

  /** Calls refused since the start. */
  get refused(): number {
    return this.#refused;
  }

  /** Takes a place for an arriving call: the time it was taken, or REFUSED. */
  enter(): number {
    if (this.limiter.tryAcquire()) return this.now();
    this.#refused++;
    return REFUSED;
  }

  /** Gives the place back; `measured` false when the call says nothing of latency (its caller left). */
  leave(enteredAt: number, measured: boolean): void {
    this.limiter.release(measured ? this.now() - enteredAt : undefined);
  }

  /** The refusal as an error (for transports that answer with one). */
  refusal(): BricksError {
    return new BricksError('resource_exhausted', REFUSAL_MESSAGE, { unsent: true, metadata: new Headers(NOT_STARTED) });
  }
}

/** The header that marks a refusal, as transports write it. */
export const NOT_STARTED: Readonly<Record<string, string>> = Object.freeze({ [NOT_STARTED_HEADER]: '1' });
