// A circuit breaker as a pure state machine over an injected clock: closed → open after N
// consecutive failures, open → half-open after a pause, half-open lets one probe through.
// (cockatiel's breaker reads Date.now() itself, which is why this one is our own.)
export type BreakerState =
  | { readonly kind: 'closed'; readonly failures: number }
  | { readonly kind: 'open'; readonly until: number }
  | { readonly kind: 'half-open'; readonly probing: boolean };

export interface BreakerOptions {
  readonly failures: number;
  readonly halfOpenAfterMs: number;
}

export class CircuitBreaker {
  #state: BreakerState = { kind: 'closed', failures: 0 };

  constructor(
    readonly options: BreakerOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** The state as of now (an open breaker whose pause is over reads as half-open). */
  get state(): BreakerState {
    const s = this.#state;
    if (s.kind === 'open' && this.now() >= s.until) this.#state = { kind: 'half-open', probing: false };
    return this.#state;
  }

  /** May a call go through? In half-open, only one at a time (the probe). */
  tryAcquire(): boolean {
    const s = this.state;
    switch (s.kind) {
      case 'closed':
        return true;
      case 'open':
        return false;
      case 'half-open':
        if (s.probing) return false;
        this.#state = { kind: 'half-open', probing: true };
        return true;
    }
  }

  onSuccess(): void {
    this.#state = { kind: 'closed', failures: 0 };
  }

  onFailure(): void {
    const s = this.state;
    switch (s.kind) {
      case 'closed': {
        const failures = s.failures + 1;
        this.#state =
          failures >= this.options.failures ? { kind: 'open', until: this.now() + this.options.halfOpenAfterMs } : { kind: 'closed', failures };
        return;
      }
      case 'half-open':
        this.#state = { kind: 'open', until: this.now() + this.options.halfOpenAfterMs };
        return;
      case 'open':
        return;
    }
  }

  /** A call that was let through but ended without telling us anything about the target (e.g. the caller cancelled). */
  onNeutral(): void {
    const s = this.#state;
    if (s.kind === 'half-open' && s.probing) this.#state = { kind: 'half-open', probing: false };
  }
}
