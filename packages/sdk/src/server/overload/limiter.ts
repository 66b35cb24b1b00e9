// An adaptive concurrency limit, as a pure state machine over an injected clock: how many calls
// a server may have in flight before it refuses the next one. The idea is the gradient of
// Netflix's concurrency-limits (Gradient2) and Envoy's adaptive concurrency filter: compare the
// latency of recent calls with the latency the server has when it is not queueing (its
// baseline); while they stay close the limit grows by about its square root per window, and
// when latency rises the limit shrinks in proportion, never below `min` or above `max`.
// The first window's latency is the first baseline, and a quieter window lowers it at once.
// As Envoy does, a baseline is re-measured now and then by holding the limit at `min` for one
// window, because a baseline learnt while queueing would let the queue grow unnoticed; but
// only while the limit is refusing calls: a server that refuses nothing keeps its baseline, and
// its callers never see a probe.

export interface LimiterOptions {
  /** The limit it starts with. */
  readonly initial: number;
  /** Never below: a server always takes this many at once. */
  readonly min: number;
  /** The configured ceiling: never above, whatever the latency says. */
  readonly max: number;
  /** Latency up to `tolerance` × the baseline counts as not queueing (Envoy's buffer, Gradient2's rttTolerance). */
  readonly tolerance: number;
  /** Queueing delay below this never shrinks the limit: timer and GC jitter on a laptop are a few ms. */
  readonly slackMs: number;
  /** One sampling window: the limit moves at most once per window. */
  readonly windowMs: number;
  /** Samples a window needs before it moves the limit (fewer: the window runs on). */
  readonly minSamples: number;
  /** How long a baseline is trusted before it is measured again at the minimum limit. */
  readonly baselineMs: number;
}

/** Where the limiter is: learning its first baseline, re-measuring it at `min`, or limiting against it. */
export type LimiterPhase =
  | { readonly kind: 'learning' }
  | { readonly kind: 'probing'; readonly startedAt: number }
  | { readonly kind: 'limiting'; readonly baselineMs: number; readonly measuredAt: number };

/** A window's samples. */
interface Window {
  startedAt: number;
  /** Latencies, up to SAMPLES_KEPT of them (later ones replace earlier ones at random positions). */
  readonly samples: number[];
  count: number;
  /** The most calls in flight at once during the window: a limit nobody used says nothing. */
  peak: number;
  /** Whether a call was refused during the window. */
  refused: boolean;
}

/**
 * Latencies a window keeps for its median. The median, as Envoy's p50, not the mean: a laptop
 * deschedules a process for tens of ms now and then, and the calls caught in that pause would
 * drag a mean up while most calls were fast.
 */
const SAMPLES_KEPT = 128;
/** How much one window's verdict moves the limit (Gradient2's smoothing default). */
const SMOOTHING = 0.2;
/** The most one window may cut the limit: halving, as TCP does on loss. */
const MIN_GRADIENT = 0.5;

export class AdaptiveLimiter {
  #limit: number;
  #inFlight = 0;
  #phase: LimiterPhase;
  readonly #window: Window;

  constructor(
    readonly options: LimiterOptions,
    private readonly now: () => number,
  ) {
    if (!(options.min >= 1 && options.min <= options.max)) throw new RangeError(`limiter: min ${options.min} must be at least 1 and at most max ${options.max}`);
    this.#limit = clamp(options.initial, options.min, options.max);
    this.#phase = { kind: 'learning' };
    this.#window = { startedAt: now(), samples: [], count: 0, peak: 0, refused: false };
  }

  /** The calls it lets run at once now. */
  get limit(): number {
    return this.#phase.kind === 'probing' ? this.options.min : Math.floor(this.#limit);
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  get phase(): LimiterPhase {
    return this.#phase;
  }

  /** Takes a place for one call; false when the server is at its limit (refuse the call). */
  tryAcquire(): boolean {
    if (this.#inFlight >= this.limit) {
      this.#window.refused = true;
      return false;
    }
    this.#inFlight++;
    if (this.#inFlight > this.#window.peak) this.#window.peak = this.#inFlight;
    return true;
  }

  /**
   * Gives a place back. `latencyMs` is how long the call held it; undefined when the call says
   * nothing of the server's latency (the caller cancelled it).
   */
  release(latencyMs: number | undefined): void {
    this.#inFlight = Math.max(0, this.#inFlight - 1);
    const w = this.#window;
    if (latencyMs !== undefined) {
      // Past SAMPLES_KEPT, a sample replaces one at a position that cycles (deterministic, spread).
      if (w.samples.length < SAMPLES_KEPT) w.samples.push(latencyMs);
      else w.samples[(w.count * 37) % SAMPLES_KEPT] = latencyMs;
      w.count++;
    }
    const t = this.now();
    if (t - w.startedAt < this.options.windowMs || w.count < this.options.minSamples) return;
    this.#close(median(w.samples), w.peak, w.refused, t);
    w.startedAt = t;
    w.samples.length = 0;
    w.count = 0;
    w.peak = this.#inFlight;
    w.refused = false;
  }

  /** A window is over: its median latency moves the limit (or becomes the baseline). */
  #close(latency: number, peak: number, refused: boolean, t: number): void {
    const o = this.options;
    const phase = this.#phase;
    switch (phase.kind) {
      case 'learning':
      case 'probing':
        this.#phase = { kind: 'limiting', baselineMs: latency, measuredAt: t };
        return;
      case 'limiting': {
        if (t - phase.measuredAt >= o.baselineMs) {
          if (refused) {
            this.#phase = { kind: 'probing', startedAt: t };
            return;
          }
          this.#phase = { kind: 'limiting', baselineMs: Math.min(phase.baselineMs, latency), measuredAt: t };
        }
        // A quieter window lowers the baseline at once; a busier one never raises it.
        const current = this.#phase.kind === 'limiting' ? this.#phase : phase;
        const baseline = Math.min(current.baselineMs, latency);
        if (baseline < current.baselineMs) this.#phase = { kind: 'limiting', baselineMs: baseline, measuredAt: current.measuredAt };
        const target = Math.max(baseline * o.tolerance, baseline + o.slackMs);
        const gradient = clamp(target / latency, MIN_GRADIENT, 1);
        let next = this.#limit * gradient + Math.sqrt(this.#limit);
        // Growth needs evidence: a window that used less than half the limit is no reason to raise it.
        if (peak < this.#limit / 2) next = Math.min(next, this.#limit);
        this.#limit = clamp(this.#limit * (1 - SMOOTHING) + next * SMOOTHING, o.min, o.max);
        return;
      }
      default: {
        const never: never = phase;
        throw new Error(`unhandled limiter phase ${String(never)}`);
      }
    }
  }
}

function median(xs: number[]): number {
  xs.sort((a, b) => a - b);
  const mid = xs.length >> 1;
  return xs.length % 2 === 1 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2;
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
