// The endpoint set of one service: which replicas take new requests, how one is picked, and
// how many requests each has in flight (what draining waits on). No sockets in here.
//
// Picking is power-of-two-choices on least outstanding requests, with the first candidate
// taken round-robin: with equal load (e.g. sequential requests) it degenerates to exact
// round-robin, so spreading is even and predictable; under load it steers away from a replica
// that is slow (cold start, GC pause, a heavy request) at O(1) cost per pick, without the
// herding that pure least-connections shows when many requests arrive together.
import type { Endpoint } from './types.ts';

/** After a connect failure an endpoint is avoided for this long when another one is ready.
 * One second: the daemon's readiness probe removes a dead replica soon after, and a
 * replica that merely restarted its listener is back within that time. */
export const connectFailureCooldownMs = 1000;

export class EndpointState {
  host: string;
  port: number;
  inflight = 0;
  served = 0;
  /** Set once the endpoint left the ready set: no new requests; pooled connections close. */
  removed = false;
  coolUntil = 0;
  private drainWaiters: Array<() => void> = [];

  constructor(
    readonly id: string,
    host: string,
    port: number,
  ) {
    this.host = host;
    this.port = port;
  }

  onDrained(waiter: () => void): () => void {
    this.drainWaiters.push(waiter);
    return () => {
      this.drainWaiters = this.drainWaiters.filter((w) => w !== waiter);
    };
  }

  /** Called when inflight drops to 0. */
  notifyDrained(): void {
    if (this.drainWaiters.length === 0) return; // the common case: nobody waits, nothing to allocate
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const w of waiters) w();
  }
}

export interface EndpointChange {
  readonly added: readonly EndpointState[];
  readonly removed: readonly EndpointState[];
  /** Endpoints whose id stayed but whose address changed: their pooled connections are stale. */
  readonly moved: readonly EndpointState[];
}

export class EndpointSet {
  private ready: EndpointState[] = [];
  /** Ready endpoints plus removed ones that still have requests in flight. */
  private readonly known = new Map<string, EndpointState>();
  /** Served counts of endpoints that were removed and drained, so stats outlive them. */
  private readonly retiredServed = new Map<string, number>();
  private next = 0;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly random: () => number = Math.random,
  ) {}

  get size(): number {
    return this.ready.length;
  }

  set(endpoints: readonly Endpoint[]): EndpointChange {
    const added: EndpointState[] = [];
    const moved: EndpointState[] = [];
    const ready: EndpointState[] = [];
    const seen = new Set<string>();
    for (const e of endpoints) {
      if (seen.has(e.id)) continue;
      seen.add(e.id);
      let state = this.known.get(e.id);
      if (state === undefined) {
        state = new EndpointState(e.id, e.host, e.port);
        this.known.set(e.id, state);
        added.push(state);
      } else {
        if (state.host !== e.host || state.port !== e.port) {
          state.host = e.host;
          state.port = e.port;
          moved.push(state);
        }
        if (state.removed) {
          state.removed = false;
          added.push(state);
        }
      }
      ready.push(state);
    }
    const removed: EndpointState[] = [];
    for (const state of this.ready) {
      if (seen.has(state.id)) continue;
      state.removed = true;
      removed.push(state);
      if (state.inflight === 0) this.retire(state);
    }
    this.ready = ready;
    return { added, removed, moved };
  }

  get(id: string): EndpointState | undefined {
    return this.known.get(id);
  }

  all(): IterableIterator<EndpointState> {
    return this.known.values();
  }

  /** A ready endpoint for a new request, avoiding `exclude` when any other is ready. */
  pick(exclude?: EndpointState): EndpointState | undefined {
    const ready = exclude === undefined || this.ready.length < 2 ? this.ready : this.ready.filter((e) => e !== exclude);
    const n = ready.length;
    if (n === 0) return undefined;
    if (n === 1) return ready[0];
    const i = this.next++ % n;
    if (this.next >= 0x3fffffff) this.next = 0;
    const a = ready[i]!;
    const b = ready[(i + 1 + Math.floor(this.random() * (n - 1))) % n]!;
    const aCool = this.cooling(a);
    const bCool = this.cooling(b);
    if (aCool !== bCool) return aCool ? b : a;
    return b.inflight < a.inflight ? b : a;
  }

  /** Whether the endpoint is in its connect-failure cooldown. The clock is read only while a
   * cooldown is set, so a pick costs no clock read in the common case (Date.now() is ~50 ns). */
  private cooling(state: EndpointState): boolean {
    if (state.coolUntil === 0) return false;
    if (state.coolUntil > this.now()) return true;
    state.coolUntil = 0;
    return false;
  }

  acquire(state: EndpointState): void {
    state.inflight++;
  }

  release(state: EndpointState): void {
    state.inflight--;
    if (state.inflight > 0) return;
    if (state.removed && this.known.get(state.id) === state) this.retire(state);
    state.notifyDrained();
  }

  private retire(state: EndpointState): void {
    this.known.delete(state.id);
    this.retiredServed.set(state.id, (this.retiredServed.get(state.id) ?? 0) + state.served);
  }

  markConnectFailure(state: EndpointState): void {
    state.coolUntil = this.now() + connectFailureCooldownMs;
  }

  inflight(id: string): number {
    return this.known.get(id)?.inflight ?? 0;
  }

  drained(id: string, timeoutMs: number): Promise<boolean> {
    const state = this.known.get(id);
    if (state === undefined || state.inflight === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        cancel();
        resolve(false);
      }, timeoutMs);
      const cancel = state.onDrained(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** Served counts of every endpoint seen so far, including long-removed ones. */
  servedCounts(): Record<string, number> {
    const served: Record<string, number> = {};
    for (const [id, n] of this.retiredServed) served[id] = n;
    for (const state of this.known.values()) served[state.id] = (served[state.id] ?? 0) + state.served;
    return served;
  }
}
