// The proxy's span of a traced request: a request that arrives with a sampled `traceparent`
// gets a span of the proxy's own between the caller's span and the replica's, so a trace shows
// the time spent at the service address (waiting for a replica, retries) apart from the
// replica's work. The request goes on with the proxy's span as its parent. A request without a
// traceparent, or not sampled, costs nothing here: nothing is parsed or made.
import { randomBytes } from 'node:crypto';
import type { StoredSpan } from '../api/contract/traces.ts';

/** Where finished proxy spans go (the daemon's trace store). */
export type SpanSink = (span: StoredSpan) => void;

export interface OpenProxySpan {
  readonly traceId: string;
  readonly parentSpanId: string;
  readonly spanId: string;
  /** The traceparent sent on: the caller's trace, the proxy's span. */
  readonly traceparent: string;
  readonly startMs: number;
}

/** ms since the epoch, with the fraction the replicas' spans have (Date.now() has none). */
const nowMs = (): number => performance.timeOrigin + performance.now();

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The proxy's span for a request with this traceparent, or undefined (none, malformed, not sampled). */
export function openProxySpan(traceparent: string): OpenProxySpan | undefined {
  const m = TRACEPARENT.exec(traceparent.trim().toLowerCase());
  if (m === null) return undefined;
  const [, traceId, parentSpanId, flags] = m as unknown as [string, string, string, string];
  if ((parseInt(flags, 16) & 1) === 0 || /^0+$/.test(traceId)) return undefined;
  const spanId = randomBytes(8).toString('hex');
  return { traceId, parentSpanId, spanId, traceparent: `00-${traceId}-${spanId}-${flags}`, startMs: nowMs() };
}

export interface ProxySpanEnd {
  readonly service: string;
  readonly protocol: 'http1' | 'h2c';
  readonly method: string;
  readonly status: number;
  readonly grpcStatus: number | null;
  readonly waitedMs: number;
  readonly tracestate: string;
}

export function closeProxySpan(open: OpenProxySpan, end: ProxySpanEnd): StoredSpan {
  const failed = end.status >= 500 || (end.grpcStatus !== null && end.grpcStatus !== 0);
  const attributes: Record<string, string | number> = { 'http.request.method': end.method, 'http.response.status_code': end.status, 'network.protocol.name': end.protocol };
  if (end.grpcStatus !== null) attributes['rpc.grpc.status_code'] = end.grpcStatus;
  if (end.waitedMs > 0) attributes['bricks.proxy.wait_ms'] = end.waitedMs;
  return {
    traceId: open.traceId,
    spanId: open.spanId,
    parentSpanId: open.parentSpanId,
    name: `proxy ${end.service}`,
    kind: 'server',
    service: 'bricks',
    replica: `proxy:${end.service}`,
    startMs: open.startMs,
    durationMs: nowMs() - open.startMs,
    status: failed ? 'error' : 'unset',
    statusMessage: failed ? (end.grpcStatus !== null && end.grpcStatus !== 0 ? `grpc-status ${end.grpcStatus}` : `HTTP ${end.status}`) : '',
    traceState: end.tracestate,
    attributes,
  };
}
