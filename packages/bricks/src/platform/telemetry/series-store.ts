// The embedded time-series store: what the scraper reads from replicas (and the platform's own
// metrics) kept for a bounded time and a bounded number of series, so `bricks top` and the
// dashboard can ask for rates and quantiles without a Prometheus. Each series is a ring of
// (time, value) points; a series nothing has written to for the retention is forgotten.

/**
 * The bounds: an hour at the scraper's 5 s is 720 points a series; 8000 series (arcade has
 * about 1500) at 16 bytes a point is at most about 92 MB, and a series past the ceiling is
 * dropped and counted rather than grown into.
 */
export const RETENTION_MS = 60 * 60 * 1000;
export const MAX_SERIES = 8000;

export interface SeriesPoint {
  readonly at: number;
  readonly value: number;
}

export interface Series {
  readonly key: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

interface Ring extends Series {
  readonly times: Float64Array;
  readonly values: Float64Array;
  /** Index of the next write. */
  head: number;
  count: number;
  /** When its first point was written. */
  readonly firstAt: number;
  lastAt: number;
}

export interface StoreOptions {
  readonly retentionMs?: number;
  readonly intervalMs?: number;
  readonly maxSeries?: number;
}

export class SeriesStore {
  private readonly series = new Map<string, Ring>();
  private readonly byName = new Map<string, Set<Ring>>();
  private readonly capacity: number;
  readonly retentionMs: number;
  readonly maxSeries: number;
  /** Samples refused because the store was at its series ceiling. */
  dropped = 0;
  /** When the first point of all was written. */
  private startedAt = Infinity;

  constructor(options: StoreOptions = {}) {
    this.retentionMs = options.retentionMs ?? RETENTION_MS;
    this.maxSeries = options.maxSeries ?? MAX_SERIES;
    this.capacity = Math.ceil(this.retentionMs / (options.intervalMs ?? 5000)) + 1;
  }

  get size(): number {
    return this.series.size;
  }

  /** Bytes held by the points of every series (the bulk of the store). */
  get bytes(): number {
    return this.series.size * this.capacity * 16;
  }

  append(key: string, name: string, labels: Readonly<Record<string, string>>, at: number, value: number): void {
    let ring = this.series.get(key);
    if (ring === undefined) {
      if (this.series.size >= this.maxSeries) {
        this.dropped++;
        return;
      }
      ring = { key, name, labels, times: new Float64Array(this.capacity), values: new Float64Array(this.capacity), head: 0, count: 0, firstAt: at, lastAt: at };
      this.series.set(key, ring);
      let named = this.byName.get(name);
      if (named === undefined) {
        named = new Set();
        this.byName.set(name, named);
      }
      named.add(ring);
    }
    if (at < this.startedAt) this.startedAt = at;
    ring.times[ring.head] = at;
    ring.values[ring.head] = value;
    ring.head = (ring.head + 1) % this.capacity;
    ring.count = Math.min(ring.count + 1, this.capacity);
    ring.lastAt = at;
  }

  /** Forgets series not written to for the retention (a replica that went away). */
  collect(now: number): void {
    for (const ring of this.series.values()) {
      if (now - ring.lastAt <= this.retentionMs) continue;
      this.series.delete(ring.key);
      this.byName.get(ring.name)?.delete(ring);
    }
  }

  /** The series of a metric whose labels pass `match`. */
  select(name: string, match: (labels: Readonly<Record<string, string>>) => boolean = () => true): Series[] {
    return [...(this.byName.get(name) ?? [])].filter((r) => match(r.labels));
  }

  /** True when the series first appeared after `from` and after the store's first point. */
  bornWithin(series: Series, from: number): boolean {
    const ring = this.series.get(series.key);
    return ring !== undefined && ring.firstAt > from && ring.firstAt > this.startedAt;
  }

  /** A series' points with from ≤ at ≤ to, oldest first. */
  points(series: Series, from: number, to: number): SeriesPoint[] {
    const ring = this.series.get(series.key);
    if (ring === undefined) return [];
    const out: SeriesPoint[] = [];
    for (let i = 0; i < ring.count; i++) {
      const idx = (ring.head - ring.count + i + this.capacity) % this.capacity;
      const at = ring.times[idx]!;
      if (at >= from && at <= to) out.push({ at, value: ring.values[idx]! });
    }
    return out;
  }
}

/**
 * A counter's increase over from..to. A series born inside the window after the store had
 * begun (a new method's first call, a new replica) started from zero at its birth: its first
 * value counts too, where Prometheus' increase() would miss it until a second point.
 */
export function increaseOf(store: SeriesStore, series: Series, from: number, to: number): number {
  const points = store.points(series, from, to);
  const first = points[0];
  if (first === undefined) return 0;
  return increase(points) + (store.bornWithin(series, from) ? first.value : 0);
}

/**
 * How much a counter grew over its points, counting a drop as a restart from zero (as
 * Prometheus' increase() does for a replica that restarted).
 */
export function increase(points: readonly SeriesPoint[]): number {
  let total = 0;
  for (let i = 1; i < points.length; i++) {
    const d = points[i]!.value - points[i - 1]!.value;
    total += d >= 0 ? d : points[i]!.value;
  }
  return total;
}
