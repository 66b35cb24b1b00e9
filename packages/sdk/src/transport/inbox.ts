// A stream's received messages on their way to one reader: the transport pushes them as they
// arrive, the reader pulls them with `for await`. `onTake` tells the transport that a message
// left the inbox (so it can grant the sender more window: the reader's pace is the sender's),
// `onReturn` that the reader stopped before the end (so the call can be cancelled).
export interface InboxHooks<T> {
  readonly onTake?: (item: T) => void;
  readonly onReturn?: () => void;
}

type InboxState = { readonly tag: 'open' } | { readonly tag: 'ended' } | { readonly tag: 'failed'; readonly error: Error } | { readonly tag: 'returned' };

interface Waiter<T> {
  resolve(r: IteratorResult<T>): void;
  reject(e: Error): void;
}

export class Inbox<T> implements AsyncIterableIterator<T> {
  #items: T[] = [];
  #head = 0;
  #waiter: Waiter<T> | undefined;
  #state: InboxState = { tag: 'open' };
  readonly #hooks: InboxHooks<T>;

  constructor(hooks: InboxHooks<T> = {}) {
    this.#hooks = hooks;
  }

  /** Messages received and not yet read. */
  get size(): number {
    return this.#items.length - this.#head;
  }

  /** Whether more may still arrive (no end, failure or early return yet). */
  get open(): boolean {
    return this.#state.tag === 'open';
  }

  push(item: T): void {
    if (this.#state.tag !== 'open') return;
    const w = this.#waiter;
    if (w !== undefined) {
      this.#waiter = undefined;
      this.#hooks.onTake?.(item);
      w.resolve({ value: item, done: false });
      return;
    }
    this.#items.push(item);
  }

  /** No more messages: the reader finishes what is queued, then its loop ends. */
  end(): void {
    if (this.#state.tag !== 'open') return;
    this.#state = { tag: 'ended' };
    this.#wake();
  }

  /** The stream failed after what is queued: the reader gets those messages, then `error`. */
  fail(error: Error): void {
    if (this.#state.tag !== 'open') return;
    this.#state = { tag: 'failed', error };
    this.#wake();
  }

  /** The call is over now (cancelled, deadline): what is queued is dropped, the reader gets `error`. */
  abort(error: Error): void {
    if (this.#state.tag === 'returned') return;
    this.#items = [];
    this.#head = 0;
    this.#state = { tag: 'failed', error };
    this.#wake();
  }

  next(): Promise<IteratorResult<T>> {
    if (this.#head < this.#items.length) {
      const item = this.#items[this.#head]!;
      this.#items[this.#head++] = undefined as T;
      if (this.#head === this.#items.length) {
        this.#items = [];
        this.#head = 0;
      }
      this.#hooks.onTake?.(item);
      return Promise.resolve({ value: item, done: false });
    }
    const s = this.#state;
    switch (s.tag) {
      case 'open':
        if (this.#waiter !== undefined) return Promise.reject(new Error('an inbox has one reader at a time'));
        return new Promise((resolve, reject) => (this.#waiter = { resolve, reject }));
      case 'ended':
      case 'returned':
        return Promise.resolve({ value: undefined, done: true });
      case 'failed':
        return Promise.reject(s.error);
      default: {
        const never: never = s;
        throw new Error(`unhandled inbox state ${String(never)}`);
      }
    }
  }

  /** The reader stopped early (`break` in a `for await`). */
  return(): Promise<IteratorResult<T>> {
    const wasOpen = this.#state.tag === 'open';
    this.#items = [];
    this.#head = 0;
    this.#state = { tag: 'returned' };
    this.#wake();
    if (wasOpen) this.#hooks.onReturn?.();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  #wake(): void {
    const w = this.#waiter;
    if (w === undefined) return;
    this.#waiter = undefined;
    const s = this.#state;
    if (s.tag === 'failed') w.reject(s.error);
    else w.resolve({ value: undefined, done: true });
  }
}
