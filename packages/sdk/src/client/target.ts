// Everything a process keeps per remote target service: its endpoint source, the balancer,
// one channel per endpoint, the circuit breaker, the bulkhead, the retry budget and the
// adaptive throttle. Shared
// by every client of that target in the process, so limits and health are per target.
import { Balancer } from '../balancer/index.ts';
import type { EndpointState } from '../balancer/index.ts';
import type { Endpoint, EndpointSource } from '../discovery/index.ts';
import { Bulkhead } from '../resilience/bulkhead.ts';
import { CircuitBreaker } from '../resilience/breaker.ts';
import { defaultThrottle, type Policy, type ThrottlePolicy } from '../resilience/policy.ts';
import { RetryBudget } from '../resilience/retry-budget.ts';
import { Throttle } from '../resilience/throttle.ts';
import type { Channel, Protocol } from '../transport/channel.ts';
import { connectChannel } from '../transport/connect-channel.ts';
import { fastChannel } from '../transport/fast-channel.ts';
import type { FastModule } from '../transport/fast-module.ts';

/** One endpoint's channel; `release` after each call so a retired channel closes after its last. */
export interface ChannelEntry {
  readonly channel: Channel;
  inFlight: number;
  retired: boolean;
}

export class Target {
  readonly balancer = new Balancer();
  readonly breaker: CircuitBreaker;
  readonly bulkhead: Bulkhead;
  readonly budget: RetryBudget;
  /** Undefined when throttling is off (x-bricks.resilience.throttle.enabled: false). */
  readonly throttle: Throttle | undefined;
  readonly #channels = new Map<string, ChannelEntry>();
  readonly #unsubscribe: () => void;
  /** The service address, for when no listed endpoint can take a call (see EndpointSource). */
  readonly fallback: EndpointState | undefined;
  #list: readonly Endpoint[];

  constructor(
    readonly name: string,
    readonly source: EndpointSource,
    readonly protocol: Protocol,
    readonly fast: FastModule | undefined,
    policy: Policy,
    retryBudget: number,
    throttle: ThrottlePolicy = defaultThrottle,
    now: () => number = Date.now,
  ) {
    this.throttle = throttle.enabled ? new Throttle({ accepts: throttle.accepts, windowMs: throttle.windowMs }, now) : undefined;
    this.breaker = new CircuitBreaker(policy.circuitBreaker, now);
    this.bulkhead = new Bulkhead(policy.bulkhead.maxConcurrent, policy.bulkhead.maxQueue);
    this.budget = new RetryBudget(retryBudget);
    this.fallback = source.fallback === undefined ? undefined : { endpoint: source.fallback, outstanding: 0, consecutiveFailures: 0, ejections: 0, ejectedUntil: 0 };
    this.#list = source.current();
    this.balancer.update(this.#list);
    this.#unsubscribe = source.subscribe((eps) => {
      this.#list = eps;
      this.balancer.update(eps);
      // Close channels of endpoints that left; calls running on them finish or fail (and retry).
      const live = new Set(eps.map((e) => e.url));
      for (const [url, entry] of this.#channels) {
        if (live.has(url)) continue;
        this.#channels.delete(url);
        // Calls already running on it finish; the channel closes after the last one.
        entry.retired = true;
        if (entry.inFlight === 0) entry.channel.close();
      }
    });
  }

  /** The endpoint's channel (made on first use), counted as in use until `release`. */
  acquire(endpoint: Endpoint): ChannelEntry {
    const url = endpoint.url;
    let entry = this.#channels.get(url);
    if (!entry) {
      // The platform's proxy speaks HTTP only: through it, fast becomes Connect.
      const fast = this.protocol === 'fast' && this.fast !== undefined && endpoint.viaProxy !== true;
      const channel = fast && this.fast ? fastChannel(this.fast, url) : connectChannel(url, this.protocol === 'fast' ? 'connect' : this.protocol);
      entry = { channel, inFlight: 0, retired: false };
      this.#channels.set(url, entry);
    }
    entry.inFlight++;
    return entry;
  }

  release(entry: ChannelEntry): void {
    if (--entry.inFlight === 0 && entry.retired) entry.channel.close();
  }

  /**
   * The balancer's list follows the source; this re-reads it, because a source that falls back
   * computes its list on read. Sources hand out the same array until the list changes.
   */
  refresh(): void {
    const list = this.source.current();
    if (list === this.#list) return;
    this.#list = list;
    this.balancer.update(list);
  }

  close(): void {
    this.#unsubscribe();
    for (const e of this.#channels.values()) e.channel.close();
    this.#channels.clear();
    this.source.close();
  }
}
