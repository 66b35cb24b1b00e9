// A bulkhead per target: at most `maxConcurrent` calls running, at most `maxQueue` waiting
// (first come, first served), the rest refused. A counter on the fast path: cockatiel's
// BulkheadPolicy wraps every call in promises and events even when a slot is free.
import { abortError } from '../context/deadline.ts';
import { BricksError } from '../errors/index.ts';

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (e: BricksError) => void;
  readonly signal: AbortSignal;
  readonly onAbort: () => void;
}

export class Bulkhead {
  #running = 0;
  readonly #queue: Waiter[] = [];

  constructor(
    readonly maxConcurrent: number,
    readonly maxQueue: number,
  ) {}

  get running(): number {
    return this.#running;
  }

  get queued(): number {
    return this.#queue.length;
  }

  /** Takes a slot when one is free (then `leave` must follow); false when the call must wait. */
  tryEnter(): boolean {
    if (this.#running >= this.maxConcurrent || this.#queue.length > 0) return false;
    this.#running++;
    return true;
  }

  /**
   * Waits for a slot in the queue. Rejects with resource_exhausted (unsent) when the queue is
   * full, or with the signal's reason when it aborts first.
   */
  enter(signal: AbortSignal, target: string): Promise<void> {
    if (this.tryEnter()) return Promise.resolve();
    if (this.#queue.length >= this.maxQueue) {
      return Promise.reject(
        new BricksError('resource_exhausted', `too many concurrent calls to ${target} (bulkhead: ${this.#running} running, ${this.#queue.length} queued)`, { unsent: true }),
      );
    }
    if (signal.aborted) return Promise.reject(abortError(signal));
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          const i = this.#queue.indexOf(waiter);
          if (i >= 0) this.#queue.splice(i, 1);
          reject(abortError(signal));
        },
      };
      signal.addEventListener('abort', waiter.onAbort, { once: true });
      this.#queue.push(waiter);
    });
  }

  /** Gives the slot back, to the first waiter if there is one. */
  leave(): void {
    const next = this.#queue.shift();
    if (next === undefined) {
      this.#running--;
      return;
    }
    next.signal.removeEventListener('abort', next.onAbort);
    next.resolve();
  }
}
