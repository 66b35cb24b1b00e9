// Requests parked because no endpoint was ready: each waits until the ready set becomes
// non-empty or its own deadline passes, whichever comes first.

interface Waiter {
  readonly onReady: () => void;
  readonly onTimeout: () => void;
  readonly timer: NodeJS.Timeout;
}

export class EndpointWaiters {
  private waiters = new Set<Waiter>();

  /** Parks a request; returns a function that unparks it without calling either callback. */
  wait(timeoutMs: number, onReady: () => void, onTimeout: () => void): () => void {
    const waiter: Waiter = {
      onReady,
      onTimeout,
      timer: setTimeout(() => {
        this.waiters.delete(waiter);
        onTimeout();
      }, timeoutMs),
    };
    this.waiters.add(waiter);
    return () => {
      clearTimeout(waiter.timer);
      this.waiters.delete(waiter);
    };
  }

  /** Endpoints appeared: every parked request goes on, in arrival order. */
  wake(): void {
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const w of waiters) {
      clearTimeout(w.timer);
      w.onReady();
    }
  }

  get size(): number {
    return this.waiters.size;
  }

  /** Drops every parked request silently (the proxy is closing and ends their connections). */
  clear(): void {
    for (const w of this.waiters) clearTimeout(w.timer);
    this.waiters.clear();
  }
}
