// Client-side balancing over a live endpoint list: power of two choices on outstanding
// requests (Mitzenmacher, "The Power of Two Choices in Randomized Load Balancing"), with
// outlier ejection: an endpoint that keeps failing sits out for a growing back-off time.
import type { Endpoint } from '../discovery/index.ts';

export interface BalancerOptions {
  /** Consecutive failures that eject an endpoint (Envoy's outlier detection default is 5). */
  readonly ejectAfter?: number;
  /** First ejection time; doubles per repeated ejection up to maxEjectionMs. */
  readonly baseEjectionMs?: number;
  readonly maxEjectionMs?: number;
  readonly now?: () => number;
  readonly random?: () => number;
}

export interface EndpointState {
  readonly endpoint: Endpoint;
  outstanding: number;
  consecutiveFailures: number;
  ejections: number;
  ejectedUntil: number;
}

const nothing: ReadonlySet<string> = new Set();

export class Balancer {
  #states: EndpointState[] = [];
  readonly #ejectAfter: number;
  readonly #baseEjectionMs: number;
  readonly #maxEjectionMs: number;
  readonly #now: () => number;
  readonly #random: () => number;

  constructor(opts: BalancerOptions = {}) {
    this.#ejectAfter = opts.ejectAfter ?? 5;
    // 1 s base, 30 s cap: local replicas restart in about a second; Envoy's base is 30 s.
    this.#baseEjectionMs = opts.baseEjectionMs ?? 1000;
    this.#maxEjectionMs = opts.maxEjectionMs ?? 30_000;
    this.#now = opts.now ?? Date.now;
    this.#random = opts.random ?? Math.random;
  }

  get states(): readonly EndpointState[] {
    return this.#states;
  }

  /** Replaces the list, keeping counters for endpoints that stay. */
  update(endpoints: readonly Endpoint[]): void {
    const old = new Map(this.#states.map((s) => [s.endpoint.id, s]));
    this.#states = endpoints.map((e) => {
      const s = old.get(e.id);
      return s && s.endpoint.url === e.url ? s : { endpoint: e, outstanding: 0, consecutiveFailures: 0, ejections: 0, ejectedUntil: 0 };
    });
  }

  /**
   * Picks an endpoint, avoiding `exclude` (ids already tried by this call) and ejected ones
   * when possible. When every endpoint is ejected, picks among all of them anyway (a sick
   * endpoint beats none). undefined only for an empty list.
   */
  pick(exclude: ReadonlySet<string> = nothing): EndpointState | undefined {
    const all = this.#states;
    if (all.length <= 1) return all[0];
    const now = this.#now();
    let pool = all.filter((s) => s.ejectedUntil <= now && !exclude.has(s.endpoint.id));
    if (pool.length === 0) pool = all.filter((s) => !exclude.has(s.endpoint.id));
    if (pool.length === 0) pool = all;
    if (pool.length === 1) return pool[0];
    const i = Math.floor(this.#random() * pool.length);
    let j = Math.floor(this.#random() * (pool.length - 1));
    if (j >= i) j++;
    const a = pool[i]!;
    const b = pool[j]!;
    return b.outstanding < a.outstanding ? b : a;
  }

  /** Not sitting out an ejection. */
  healthy(s: EndpointState): boolean {
    return s.ejectedUntil <= this.#now();
  }

  onSuccess(s: EndpointState): void {
    s.consecutiveFailures = 0;
    s.ejections = 0;
  }

  /** `hard`: the endpoint refused the connection, which ejects it at once. */
  onFailure(s: EndpointState, hard: boolean): void {
    s.consecutiveFailures++;
    if (hard || s.consecutiveFailures >= this.#ejectAfter) {
      const ms = Math.min(this.#maxEjectionMs, this.#baseEjectionMs * 2 ** s.ejections);
      s.ejections++;
      s.ejectedUntil = this.#now() + ms;
      s.consecutiveFailures = 0;
    }
  }
}
