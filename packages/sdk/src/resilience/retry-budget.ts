// A retry budget as a token bucket: each call earns `ratio` tokens, each retry spends one, so
// over time retries add at most `ratio` extra load. The bucket starts full so that a client
// with little traffic can still retry a few times (gRPC's retryThrottling works the same way).
export class RetryBudget {
  #tokens: number;

  constructor(
    readonly ratio: number,
    // 10 tokens: gRPC's retryThrottling example value for maxTokens.
    readonly maxTokens: number = 10,
  ) {
    this.#tokens = maxTokens;
  }

  get tokens(): number {
    return this.#tokens;
  }

  /** Every original call (not a retry) deposits. */
  onCall(): void {
    this.#tokens = Math.min(this.maxTokens, this.#tokens + this.ratio);
  }

  /** Spends a token for one retry; false when the budget is spent. */
  tryRetry(): boolean {
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
