// The dashboard's charts: per service and step, the rates and quantiles `bricks top` takes over
// one window (top.ts), and CPU and memory from the replicas' process metrics. Each series' points
// are read once; each rise between two points counts in the step of the later one, so steps add up
// to the whole window's increase. Pure: the store and `now` in, lines out.
import { GRPC_OK, RPC_LABELS } from '@bricks/sdk/metric-names';
import type { RangeDoc, RangeService } from '../api/contract/index.ts';
import type { SeriesStore } from './series-store.ts';
import { quantile, SERVER_DURATION } from './top.ts';
import { PLATFORM_TARGET } from './platform-metrics.ts';

/** prom-client's default metrics, which every SDK replica serves. */
const PROCESS_CPU = 'process_cpu_seconds_total';
const PROCESS_MEMORY = 'process_resident_memory_bytes';

interface Acc {
  readonly calls: Float64Array;
  readonly errors: Float64Array;
  readonly buckets: Map<number, Float64Array>;
  readonly cpu: Float64Array;
  readonly memory: Float64Array;
  /** Steps with a point of the process CPU counter: CPU is null elsewhere. */
  readonly seen: Uint8Array;
  /** Steps with a point of the call counter: rates are null elsewhere (before the service ran). */
  readonly served: Uint8Array;
}

export function metricsRange(store: SeriesStore, now: number, windowMs: number, stepMs: number): RangeDoc {
  const steps = Math.max(1, Math.ceil(windowMs / stepMs));
  const from = now - steps * stepMs;
  const times = Array.from({ length: steps }, (_, i) => from + (i + 1) * stepMs);
  const stepOf = (at: number): number => Math.min(steps - 1, Math.max(0, Math.ceil((at - from) / stepMs) - 1));
  const accs = new Map<string, Acc>();
  const acc = (service: string): Acc => {
    let a = accs.get(service);
    if (a === undefined) {
      a = { calls: new Float64Array(steps), errors: new Float64Array(steps), buckets: new Map(), cpu: new Float64Array(steps), memory: new Float64Array(steps), seen: new Uint8Array(steps), served: new Uint8Array(steps) };
      accs.set(service, a);
    }
    return a;
  };
  /** Adds each rise of a counter to its step (a drop is a restart from zero). */
  const rises = (name: string, add: (labels: Readonly<Record<string, string>>, step: number, rise: number) => void): void => {
    for (const s of store.select(name, (l) => l['service'] !== PLATFORM_TARGET.service)) {
      // From one step before: the first step's rise needs the point before it.
      const points = store.points(s, from - stepMs, now);
      for (let i = 1; i < points.length; i++) {
        const p = points[i]!;
        if (p.at <= from) continue;
        const d = p.value - points[i - 1]!.value;
        add(s.labels, stepOf(p.at), d >= 0 ? d : p.value);
      }
    }
  };
  rises(`${SERVER_DURATION}_count`, (labels, step, rise) => {
    const a = acc(labels['service'] ?? '');
    a.calls[step]! += rise;
    a.served[step] = 1;
    if (labels[RPC_LABELS.grpcStatus] !== GRPC_OK) a.errors[step]! += rise;
  });
  rises(`${SERVER_DURATION}_bucket`, (labels, step, rise) => {
    const le = labels['le'] === '+Inf' ? Infinity : Number(labels['le']);
    if (Number.isNaN(le)) return;
    const a = acc(labels['service'] ?? '');
    let line = a.buckets.get(le);
    if (line === undefined) a.buckets.set(le, (line = new Float64Array(steps)));
    line[step]! += rise;
  });
  rises(PROCESS_CPU, (labels, step, rise) => {
    const a = acc(labels['service'] ?? '');
    a.cpu[step]! += rise;
    a.seen[step] = 1;
  });
  // Memory is a gauge: each replica's last value in the step, summed over replicas.
  for (const s of store.select(PROCESS_MEMORY, (l) => l['service'] !== PLATFORM_TARGET.service)) {
    const last = new Float64Array(steps).fill(Number.NaN);
    for (const p of store.points(s, from, now)) if (p.at > from) last[stepOf(p.at)] = p.value;
    const a = acc(s.labels['service'] ?? '');
    last.forEach((v, i) => {
      if (!Number.isNaN(v)) a.memory[i]! += v;
    });
  }
  const seconds = stepMs / 1000;
  const services = [...accs.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([service, a]): RangeService => {
      const at = (i: number, q: number): number | null => {
        if (a.calls[i] === 0) return null;
        const buckets = new Map<number, number>();
        for (const [le, line] of a.buckets) buckets.set(le, line[i]!);
        // The buckets are cumulative as exposed (le="0.1" counts every call up to 0.1 s), and so are their rises.
        const v = quantile(q, buckets);
        return v === null ? null : v * 1000;
      };
      return {
        service,
        rps: times.map((_, i) => (a.served[i] === 1 ? a.calls[i]! / seconds : null)),
        errorRate: times.map((_, i) => (a.calls[i]! > 0 ? a.errors[i]! / a.calls[i]! : null)),
        p50Ms: times.map((_, i) => at(i, 0.5)),
        p99Ms: times.map((_, i) => at(i, 0.99)),
        cpu: times.map((_, i) => (a.seen[i] === 1 ? (a.cpu[i]! / seconds) * 100 : null)),
        memory: times.map((_, i) => (a.memory[i]! > 0 ? a.memory[i]! : null)),
      };
    });
  return { stepMs, times, services };
}

