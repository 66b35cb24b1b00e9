// Rate limits as token buckets, one per client and route: a bucket holds up to `capacity`
// tokens, gains `rate` of them per millisecond, and a request takes one. Pure logic: the caller
// hands in `now` (epoch ms), so it is tested without time passing.

export interface BucketRule {
  readonly capacity: number;
  /** Tokens gained per millisecond. */
  readonly ratePerMs: number;
}

export type Take = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterMs: number };

interface Bucket {
  tokens: number;
  at: number;
}

/** The buckets of many clients, at most `maxBuckets` of them: the least recently used goes first. */
export class RateLimiter {
  readonly #buckets = new Map<string, Bucket>();

  constructor(readonly maxBuckets: number) {}

  get size(): number {
    return this.#buckets.size;
  }

  /** Takes a token from `key`'s bucket (a new one is full), or says how long until there is one. */
  take(key: string, rule: BucketRule, now: number): Take {
    let b = this.#buckets.get(key);
    if (b === undefined) {
      b = { tokens: rule.capacity, at: now };
      if (this.#buckets.size >= this.maxBuckets) this.#buckets.delete(this.#buckets.keys().next().value as string);
    } else {
      // Moved to the end: the Map's order is the order of use.
      this.#buckets.delete(key);
      // A clock that steps back gives no tokens, and takes none.
      b.tokens = Math.min(rule.capacity, b.tokens + Math.max(0, now - b.at) * rule.ratePerMs);
      b.at = Math.max(b.at, now);
    }
    this.#buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { allowed: true };
    }
    // Less a nanosecond: a rate such as 2 an hour is no exact binary fraction, and 1800000.0000000002 ms is 1800000.
    return { allowed: false, retryAfterMs: Math.max(1, Math.ceil((1 - b.tokens) / rule.ratePerMs - 1e-6)) };
  }
}

/** Retry-After in whole seconds (RFC 9110 §10.2.3), rounded up so that a client waiting that long finds a token. */
export function retryAfterSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
