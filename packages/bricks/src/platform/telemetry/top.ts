// What `bricks top` shows per service and replica, computed from the series store: requests per
// second, the share of them that failed, and the median and 99th-percentile latency over a recent
// window, from the SDK's RPC server histogram. Pure: the store and `now` in, rows out.
import { GRPC_OK, RPC_LABELS, RPC_SERVER_DURATION } from '@bricks/sdk/metric-names';
import { increaseOf } from './series-store.ts';
import type { SeriesStore } from './series-store.ts';

/** The SDK's server histogram, by service, method and gRPC status code. */
export const SERVER_DURATION = RPC_SERVER_DURATION;

export interface TopRow {
  readonly service: string;
  /** null: the service's total over its replicas. */
  readonly replica: string | null;
  readonly rps: number;
  /** Failed ÷ all, 0 to 1; null with no request in the window. */
  readonly errorRate: number | null;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
}

interface Acc {
  calls: number;
  errors: number;
  /** upper bound (le) → count, cumulative as the buckets are. */
  buckets: Map<number, number>;
}

/** Prometheus' histogram_quantile over cumulative bucket counts: linear within the bucket. */
export function quantile(q: number, buckets: ReadonlyMap<number, number>): number | null {
  const bounds = [...buckets.keys()].sort((a, b) => a - b);
  const total = buckets.get(Infinity) ?? (bounds.length > 0 ? buckets.get(bounds.at(-1)!)! : 0);
  if (total <= 0) return null;
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const le of bounds) {
    const count = buckets.get(le)!;
    if (count >= rank) {
      // The +Inf bucket has no upper bound: the highest finite one is the answer, as in Prometheus.
      if (le === Infinity) return lower;
      return lower + ((le - lower) * (rank - below)) / Math.max(count - below, 1e-12);
    }
    lower = le;
    below = count;
  }
  return lower;
}

export function topRows(store: SeriesStore, now: number, windowMs: number): TopRow[] {
  const from = now - windowMs;
  const acc = new Map<string, Acc>();
  const get = (service: string, replica: string | null): Acc => {
    const key = `${service}\0${replica ?? ''}`;
    let a = acc.get(key);
    if (a === undefined) {
      a = { calls: 0, errors: 0, buckets: new Map() };
      acc.set(key, a);
    }
    return a;
  };
  for (const s of store.select(`${SERVER_DURATION}_count`)) {
    const inc = increaseOf(store, s, from, now);
    const { service = '', replica = '' } = s.labels;
    const failed = s.labels[RPC_LABELS.grpcStatus] !== GRPC_OK;
    for (const a of [get(service, replica), get(service, null)]) {
      a.calls += inc;
      if (failed) a.errors += inc;
    }
  }
  for (const s of store.select(`${SERVER_DURATION}_bucket`)) {
    const le = s.labels['le'] === '+Inf' ? Infinity : Number(s.labels['le']);
    if (Number.isNaN(le)) continue;
    const inc = increaseOf(store, s, from, now);
    const { service = '', replica = '' } = s.labels;
    for (const a of [get(service, replica), get(service, null)]) a.buckets.set(le, (a.buckets.get(le) ?? 0) + inc);
  }
  const seconds = windowMs / 1000;
  return [...acc.entries()]
    .map(([key, a]): TopRow => {
      const [service = '', replica = ''] = key.split('\0');
      const ms = (v: number | null): number | null => (v === null ? null : v * 1000);
      return {
        service,
        replica: replica === '' ? null : replica,
        rps: a.calls / seconds,
        errorRate: a.calls > 0 ? a.errors / a.calls : null,
        p50Ms: ms(quantile(0.5, a.buckets)),
        p99Ms: ms(quantile(0.99, a.buckets)),
      };
    })
    .sort((x, y) => x.service.localeCompare(y.service) || (x.replica ?? '').localeCompare(y.replica ?? ''));
}
