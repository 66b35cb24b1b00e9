// What every connection of one service proxy shares: the endpoint set, the upstream pool, the
// parked requests, the counters and the event sink.
import { EndpointSet, type EndpointState } from './endpoints.ts';
import { EndpointWaiters } from './endpoint-waiters.ts';
import { Http1Pool } from './http1-pool.ts';
import { LoadMeter } from './load-meter.ts';
import { RequestMetrics } from './request-metrics.ts';
import type { ProxyEvent } from './types.ts';
import type { SpanSink } from './proxy-span.ts';

export interface CoreOptions {
  /** How long a request waits for a ready endpoint before 503 / grpc-status 14. */
  readonly waitForEndpointMs: number;
  /** The most requests held at once waiting for an endpoint; the next is answered 503 at once. */
  readonly maxWaiting: number;
  readonly onEvent: ((event: ProxyEvent) => void) | undefined;
  /** A request is waiting for an endpoint (the service may be at zero: wake it). */
  readonly onDemand: (() => void) | undefined;
  /** Where the proxy's spans of traced requests go; without one no request is traced here. */
  readonly onSpan?: SpanSink | undefined;
}

export class ProxyCore {
  readonly endpoints = new EndpointSet();
  readonly pool = new Http1Pool();
  readonly waiters = new EndpointWaiters();
  readonly meter = new LoadMeter();
  readonly metrics = new RequestMetrics();
  requests = 0;
  retries = 0;
  failures = 0;
  noEndpoint = 0;
  closed = false;

  constructor(
    readonly service: string,
    private readonly options: CoreOptions,
  ) {}

  /** The span sink, when the proxy traces (read per request: undefined costs one property read). */
  get onSpan(): SpanSink | undefined {
    return this.options.onSpan;
  }

  get waitForEndpointMs(): number {
    return this.options.waitForEndpointMs;
  }

  emit(event: ProxyEvent): void {
    if (this.options.onEvent === undefined) return;
    try {
      this.options.onEvent(event);
    } catch {
      // A throwing log sink must not take a connection down with it.
    }
  }

  /**
   * Parks a request until an endpoint is ready (`ready`) or the wait runs out (`none`, with
   * how long it waited). Returns the cancel function, or null when there is no wait at all.
   */
  waitForEndpoint(ready: (waitedMs: number) => void, none: (waitedMs: number) => void): (() => void) | null {
    // Bounded: past the queue's length a request is refused at once rather than held.
    if (this.waitForEndpointMs <= 0 || this.waiters.size >= this.options.maxWaiting) {
      none(0);
      return null;
    }
    const started = Date.now();
    const cancel = this.waiters.wait(
      this.waitForEndpointMs,
      () => {
        const waited = Date.now() - started;
        this.metrics.waited(waited);
        ready(waited);
      },
      () => none(Date.now() - started),
    );
    try {
      this.options.onDemand?.();
    } catch {
      // A throwing waker must not take the request down; it still waits.
    }
    return cancel;
  }

  /** Counts a request against an endpoint; pair with `release`. */
  acquire(endpoint: EndpointState): void {
    this.endpoints.acquire(endpoint);
    this.meter.enter();
  }

  release(endpoint: EndpointState): void {
    this.endpoints.release(endpoint);
    this.meter.leave();
  }

  load(): ReturnType<LoadMeter['read']> {
    return this.meter.read(this.requests, this.waiters.size);
  }
}
