// Client-side adaptive throttling, as in Google's SRE book ("Handling Overload"): per target,
// count the calls this client attempted and the ones the target accepted over a sliding
// window; once requests outrun K × accepts, refuse new calls locally with probability
// max(0, (requests − K·accepts) / (requests + 1)). Locally refused calls count as requests, so
// the less the target accepts the more the client holds back, and as it accepts again the
// probability falls off by itself. A call that goes out is counted when its outcome is known:
// counted as it leaves, a burst of calls in flight would read as refused ones before any could
// be answered. A pure state machine over an injected clock and random source.

export interface ThrottleOptions {
  /** K: requests per accepted call that may go out before any is refused locally. */
  readonly accepts: number;
  readonly windowMs: number;
}

/** Buckets the window is kept in: it slides by a tenth of itself. */
const BUCKETS = 10;

export class Throttle {
  readonly #requests = new Float64Array(BUCKETS);
  readonly #accepts = new Float64Array(BUCKETS);
  /** The bucket `#at` is the current one; it began at `#bucketStart`. */
  #at = 0;
  #bucketStart: number;
  readonly #bucketMs: number;

  constructor(
    readonly options: ThrottleOptions,
    private readonly now: () => number = Date.now,
    private readonly random: () => number = Math.random,
  ) {
    this.#bucketMs = Math.max(1, options.windowMs / BUCKETS);
    this.#bucketStart = now();
  }

  /** Requests and accepts in the window, as of now. */
  get counts(): { readonly requests: number; readonly accepts: number } {
    this.#advance();
    return { requests: sum(this.#requests), accepts: sum(this.#accepts) };
  }

  /** The chance that a call made now is refused locally. */
  get rejectProbability(): number {
    const { requests, accepts } = this.counts;
    return Math.max(0, (requests - this.options.accepts * accepts) / (requests + 1));
  }

  /**
   * A call is about to go out: false when it is to be refused here instead (then it counts as a
   * request at once). One that goes out is counted by onAccept or onRefused; one that never
   * reached a target (connection refused, say) by neither.
   */
  tryRequest(): boolean {
    const p = this.rejectProbability;
    if (!(p > 0 && this.random() < p)) return true;
    this.#requests[this.#at]! += 1;
    return false;
  }

  /** The target took a call that went out (it answered, even with an application error). */
  onAccept(): void {
    this.#advance();
    this.#requests[this.#at]! += 1;
    this.#accepts[this.#at]! += 1;
  }

  /** The target refused a call that went out, or did not answer it in time. */
  onRefused(): void {
    this.#advance();
    this.#requests[this.#at]! += 1;
  }

  #advance(): void {
    const t = this.now();
    const steps = Math.floor((t - this.#bucketStart) / this.#bucketMs);
    if (steps <= 0) return;
    for (let i = 0; i < Math.min(steps, BUCKETS); i++) {
      this.#at = (this.#at + 1) % BUCKETS;
      this.#requests[this.#at] = 0;
      this.#accepts[this.#at] = 0;
    }
    this.#bucketStart += steps * this.#bucketMs;
  }
}

function sum(xs: Float64Array): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}
