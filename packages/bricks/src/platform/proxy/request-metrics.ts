// What the proxy measures of each request for the platform's metrics: how long it took from
// arrival to the end of its response, by protocol and result, and how long requests waited for
// a ready replica. Plain counters in arrays, read at scrape time: a request costs one clock read
// and a bucket search, never a label lookup by string.
import { performance } from 'node:perf_hooks';
import type { Protocol } from './types.ts';

/**
 * Seconds, from 0.5 ms (a proxied call to a near replica) to 10 s (past the SDK's default 5 s
 * deadline): the SDK's RPC histograms use the same bounds, so the two compare bucket by bucket.
 */
export const DURATION_BUCKETS: readonly number[] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** A wait for a replica is a start (hundreds of ms to seconds) or a restart: coarser bounds. */
export const WAIT_BUCKETS: readonly number[] = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10];

/** One histogram's state: counts per bucket (not cumulative), their sum and count. */
export interface HistogramData {
  readonly bounds: readonly number[];
  /** counts[i] for bounds[i]; the last is +Inf. */
  readonly counts: readonly number[];
  readonly sum: number;
  readonly count: number;
}

export interface RequestSeries extends HistogramData {
  readonly protocol: Protocol;
  /** The HTTP status the client got (for gRPC, of the HTTP response: 200 mostly). */
  readonly status: number;
  /** gRPC's status code from the trailers; null for plain HTTP. */
  readonly grpcStatus: number | null;
}

class Histogram {
  readonly counts: number[];
  sum = 0;
  count = 0;

  constructor(readonly bounds: readonly number[]) {
    this.counts = new Array<number>(bounds.length + 1).fill(0);
  }

  observe(seconds: number): void {
    const b = this.bounds;
    let i = 0;
    while (i < b.length && seconds > b[i]!) i++;
    this.counts[i]!++;
    this.sum += seconds;
    this.count++;
  }
}

const PROTOCOLS: readonly Protocol[] = ['http1', 'h2c', 'upgrade', 'tcp'];

export class RequestMetrics {
  /** By a number made of protocol, status and gRPC status: no string is built per request. */
  private readonly requests = new Map<number, { readonly protocol: Protocol; readonly status: number; readonly grpcStatus: number | null; readonly h: Histogram }>();
  private readonly waitHistogram = new Histogram(WAIT_BUCKETS);

  /** A request's start, to hand back to `done`. */
  static start(): number {
    return performance.now();
  }

  done(startedAt: number, protocol: Protocol, status: number, grpcStatus: number | null): void {
    const key = (PROTOCOLS.indexOf(protocol) * 1000 + status) * 100 + (grpcStatus === null ? 99 : grpcStatus);
    let entry = this.requests.get(key);
    if (entry === undefined) {
      entry = { protocol, status, grpcStatus, h: new Histogram(DURATION_BUCKETS) };
      this.requests.set(key, entry);
    }
    entry.h.observe((performance.now() - startedAt) / 1000);
  }

  /** A request that waited `ms` for a ready replica and then got one. */
  waited(ms: number): void {
    this.waitHistogram.observe(ms / 1000);
  }

  series(): RequestSeries[] {
    return [...this.requests.values()].map((e) => ({ protocol: e.protocol, status: e.status, grpcStatus: e.grpcStatus, ...data(e.h) }));
  }

  waits(): HistogramData {
    return data(this.waitHistogram);
  }
}

function data(h: Histogram): HistogramData {
  return { bounds: h.bounds, counts: [...h.counts], sum: h.sum, count: h.count };
}
