// Keeps the event loop turning while calls queue: handlers start at once until one turn of the
// loop has spent `sliceMs` starting them; later ones wait, first come first served, for the
// next turn (setImmediate runs after the loop has polled I/O). Answers already made are written
// in between, and new requests are read (and refused at once when over the limit), instead of
// every answer of a burst going out together at its end.
export interface TurnsOptions {
  readonly sliceMs: number;
  /** performance.now()-like; injected so that tests drive it. */
  readonly now: () => number;
  /** Runs a function on the loop's next turn (setImmediate); injected for tests. */
  readonly nextTurn: (run: () => void) => void;
}

export class Turns {
  readonly #queue: (() => void)[] = [];
  #head = 0;
  /** When this turn began starting calls; undefined until one starts in it. */
  #turnStart: number | undefined;
  #drainScheduled = false;
  /** When the last drain began, while the queue waits on; undefined after the queue emptied. */
  #lastDrainAt: number | undefined;
  /** Calls the last drain started. */
  #lastStarted = 0;
  /** The loop's time per started call while calls queue (smoothed); undefined until measured. */
  #perCallMs: number | undefined;

  constructor(private readonly opts: TurnsOptions) {}

  /** Calls waiting for a later turn. */
  get waiting(): number {
    return this.#queue.length - this.#head;
  }

  /**
   * How long a call queued now would wait before it starts: the calls ahead of it times the
   * loop's time per started call, as measured between drains while the queue stayed non-empty
   * (that time includes reading, refusing and writing, not only the handlers). 0 until measured.
   */
  expectedWaitMs(): number {
    return this.#perCallMs === undefined ? 0 : (this.waiting + 1) * this.#perCallMs;
  }

  /** May a call start now? False while others wait (they go first) or when this turn's slice is spent. */
  mayRunNow(): boolean {
    if (this.waiting > 0) return false;
    const t = this.opts.now();
    if (this.#turnStart === undefined) {
      this.#turnStart = t;
      // The turn is over once the loop comes round: the next one has a fresh slice.
      this.opts.nextTurn(() => (this.#turnStart = undefined));
    }
    return t - this.#turnStart < this.opts.sliceMs;
  }

  /** Runs `start` on a later turn, after the calls that wait already. */
  later(start: () => void): void {
    this.#queue.push(start);
    if (!this.#drainScheduled) {
      this.#drainScheduled = true;
      this.opts.nextTurn(this.#drain);
    }
  }

  readonly #drain = (): void => {
    this.#drainScheduled = false;
    const began = this.opts.now();
    this.#turnStart = began;
    if (this.#lastDrainAt !== undefined && this.#lastStarted > 0) {
      const sample = (began - this.#lastDrainAt) / this.#lastStarted;
      this.#perCallMs = this.#perCallMs === undefined ? sample : this.#perCallMs * (1 - WAIT_SMOOTHING) + sample * WAIT_SMOOTHING;
    }
    let started = 0;
    while (this.waiting > 0) {
      const start = this.#queue[this.#head]!;
      this.#queue[this.#head++] = noop;
      start();
      started++;
      if (this.opts.now() - began >= this.opts.sliceMs) break;
    }
    // Only a queue that waits on measures the loop: after an idle spell the gap says nothing.
    this.#lastDrainAt = this.waiting > 0 ? began : undefined;
    this.#lastStarted = started;
    if (this.#head === this.#queue.length) {
      this.#queue.length = 0;
      this.#head = 0;
    }
    // Calls that arrive before the next turn queue behind the ones left.
    this.opts.nextTurn(() => (this.#turnStart = undefined));
    if (this.waiting > 0) {
      this.#drainScheduled = true;
      this.opts.nextTurn(this.#drain);
    }
  };
}

/** How much one drain's measurement moves the per-call estimate. */
const WAIT_SMOOTHING = 0.3;

const noop = (): void => undefined;
