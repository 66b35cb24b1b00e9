// What every connection of one service proxy shares: the endpoint set, the upstream pool, the
// parked requests, the counters and the event sink.
import { EndpointSet, type EndpointState } from './endpoints.ts';
import { EndpointWaiters } from './endpoint-waiters.ts';
import { Http1Pool } from './http1-pool.ts';
import type { ProxyEvent } from './types.ts';

export class ProxyCore {
  readonly endpoints = new EndpointSet();
  readonly pool = new Http1Pool();
  readonly waiters = new EndpointWaiters();
  requests = 0;
  retries = 0;
  failures = 0;
  noEndpoint = 0;
  closed = false;

  constructor(
    readonly service: string,
    readonly waitForEndpointMs: number,
    private readonly onEvent: ((event: ProxyEvent) => void) | undefined,
  ) {}

  emit(event: ProxyEvent): void {
    if (this.onEvent === undefined) return;
    try {
      this.onEvent(event);
    } catch {
      // A throwing log sink must not take a connection down with it.
    }
  }

  /**
   * Parks a request until an endpoint is ready (`ready`) or the wait runs out (`none`, with
   * how long it waited). Returns the cancel function, or null when there is no wait at all.
   */
  waitForEndpoint(ready: () => void, none: (waitedMs: number) => void): (() => void) | null {
    if (this.waitForEndpointMs <= 0) {
      none(0);
      return null;
    }
    const started = Date.now();
    return this.waiters.wait(this.waitForEndpointMs, ready, () => none(Date.now() - started));
  }

  /** Counts a request against an endpoint; pair with `release`. */
  acquire(endpoint: EndpointState): void {
    this.endpoints.acquire(endpoint);
  }

  release(endpoint: EndpointState): void {
    this.endpoints.release(endpoint);
  }
}
