// The proxy's public shapes: what the daemon hands it (endpoints, options) and what it gets
// back (the running proxy, its counters, the events it logs).
import type { ProxyErrorCode } from './errors.ts';
import type { ProxyLoad } from './load-meter.ts';
import type { HistogramData, RequestSeries } from './request-metrics.ts';
import type { SpanSink } from './proxy-span.ts';

/** The address of one ready replica. `id` is the daemon's replica id; it keys drain state. */
export interface Endpoint {
  readonly id: string;
  readonly host: string;
  readonly port: number;
}

export interface ProxyStats {
  /** HTTP/1.1 requests, HTTP/2 streams and upgrade tunnels accepted from clients. */
  readonly requests: number;
  /** Requests sent a second time to another endpoint (each request is retried at most once). */
  readonly retries: number;
  /** Requests the proxy answered itself with an error (502, 503, grpc-status 14) or cut off. */
  readonly failures: number;
  /** Of `failures`, those answered because no endpoint was ready within the wait. */
  readonly noEndpoint: number;
  /** Responses received from each endpoint id (removed endpoints stay listed). */
  readonly served: Readonly<Record<string, number>>;
}

/** `tcp`: a backing service's address, which pipes whole connections (tcp-proxy.ts). */
export type Protocol = 'http1' | 'h2c' | 'upgrade' | 'tcp';

/** What the proxy tells the daemon's log. Every variant names the service. */
export type ProxyEvent =
  | {
      readonly kind: 'retry';
      readonly service: string;
      readonly protocol: Protocol;
      readonly method: string;
      readonly path: string;
      readonly fromEndpoint: string;
      readonly toEndpoint: string;
      readonly reason: ProxyErrorCode;
    }
  | {
      readonly kind: 'no-endpoint';
      readonly service: string;
      readonly protocol: Protocol;
      readonly method: string;
      readonly path: string;
      readonly waitedMs: number;
    }
  | {
      readonly kind: 'upstream-error';
      readonly service: string;
      readonly protocol: Protocol;
      readonly endpointId: string;
      readonly code: ProxyErrorCode;
      readonly message: string;
      /** True when the request goes on to a retry; false when the client got a failure. */
      readonly retried: boolean;
    }
  | {
      readonly kind: 'bad-request';
      readonly service: string;
      readonly code: ProxyErrorCode;
      readonly message: string;
    };

export interface ServiceProxyOptions {
  readonly service: string;
  /** Interface to bind; loopback by default because service addresses are local-only. */
  readonly host?: string;
  /** Port to bind; 0 picks a free one (read it back from `ServiceProxy.port`). */
  readonly port: number;
  /** How long a request waits for a ready endpoint before 503 / grpc-status 14. */
  readonly waitForEndpointMs?: number;
  /** The most requests held at once waiting for an endpoint (default 1000). */
  readonly maxWaiting?: number;
  readonly onEvent?: (event: ProxyEvent) => void;
  /** Called when a request starts to wait for an endpoint: the service may be at zero. */
  readonly onDemand?: () => void;
  /** The proxy's span of each request that arrives with a sampled traceparent (proxy-span.ts). */
  readonly onSpan?: SpanSink;
}

export interface ServiceProxy {
  readonly service: string;
  /** The bound port. */
  readonly port: number;
  /** Replaces the ready set. Called whenever it changes; removed endpoints drain. */
  setEndpoints(endpoints: readonly Endpoint[]): void;
  /** Requests, streams and tunnels in flight to that endpoint (0 for unknown ids). */
  inflight(endpointId: string): number;
  /** Resolves true when the endpoint's in-flight count reaches 0, false after `timeoutMs`. */
  drained(endpointId: string, timeoutMs: number): Promise<boolean>;
  stats(): ProxyStats;
  /** What the autoscaler samples: requests, in flight, time-weighted in flight, waiting. */
  load(): ProxyLoad;
  /** What the platform's metrics export: request durations by protocol and result, waits for a replica. */
  metrics(): { readonly requests: readonly RequestSeries[]; readonly waits: HistogramData };
  /** Stops listening, ends every connection (client and upstream) and frees timers. */
  close(): Promise<void>;
}
