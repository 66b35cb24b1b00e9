// The daemon's trace store: the spans replicas (and the proxies) report, grouped by trace, for
// `bricks traces`. Bounded three ways, so a busy stack cannot grow the daemon: at most
// `maxSpans` in all (whole traces go, oldest first, to make room), `retentionMs` of age (by when
// a trace's first span arrived), and `maxSpansPerTrace` (a runaway loop's trace stops growing).
// A kept span takes about 0.5 KB of heap (bench/traces measures it), so the store stays near
// 25 MB at most.
import type { StoredSpan, TraceDoc, TracesQuery, TraceStoreStats, TraceSummary } from '../../api/contract/traces.ts';
import { DEFAULT_TRACES_LIMIT } from '../../api/contract/traces.ts';

export interface TraceStoreOptions {
  readonly maxSpans?: number;
  readonly retentionMs?: number;
  readonly maxSpansPerTrace?: number;
  /** ms since the epoch. */
  readonly now?: () => number;
}

export const TRACE_STORE_DEFAULTS = { maxSpans: 50_000, retentionMs: 60 * 60_000, maxSpansPerTrace: 2_000 } as const;

interface Entry {
  readonly spans: StoredSpan[];
  readonly arrived: number;
}

export class TraceStore {
  // A Map keeps insertion order: its first entries are the oldest traces.
  readonly #traces = new Map<string, Entry>();
  readonly #maxSpans: number;
  readonly #retentionMs: number;
  readonly #perTrace: number;
  readonly #now: () => number;
  #spans = 0;
  #evicted = 0;

  constructor(opts: TraceStoreOptions = {}) {
    this.#maxSpans = opts.maxSpans ?? TRACE_STORE_DEFAULTS.maxSpans;
    this.#retentionMs = opts.retentionMs ?? TRACE_STORE_DEFAULTS.retentionMs;
    this.#perTrace = opts.maxSpansPerTrace ?? TRACE_STORE_DEFAULTS.maxSpansPerTrace;
    this.#now = opts.now ?? Date.now;
  }

  add(spans: readonly StoredSpan[]): void {
    const now = this.#now();
    for (const span of spans) {
      let entry = this.#traces.get(span.traceId);
      if (entry === undefined) {
        entry = { spans: [], arrived: now };
        this.#traces.set(span.traceId, entry);
      }
      if (entry.spans.length >= this.#perTrace) {
        this.#evicted++;
        continue;
      }
      entry.spans.push(span);
      this.#spans++;
    }
    this.#trim(now);
  }

  /** Recent traces, newest first, that match the query. */
  list(q: TracesQuery = {}): TraceSummary[] {
    this.#trim(this.#now());
    const limit = q.limit ?? DEFAULT_TRACES_LIMIT;
    const out: TraceSummary[] = [];
    const entries = [...this.#traces.entries()];
    for (let i = entries.length - 1; i >= 0 && out.length < limit; i--) {
      const [traceId, entry] = entries[i]!;
      const summary = summarize(traceId, entry.spans);
      if (q.service !== undefined && !summary.services.includes(q.service)) continue;
      if (q.method !== undefined && !entry.spans.some((s) => s.name.includes(q.method!))) continue;
      if (q.minDurationMs !== undefined && summary.durationMs < q.minDurationMs) continue;
      if (q.errors === true && !summary.error) continue;
      out.push(summary);
    }
    return out;
  }

  get(traceId: string): TraceDoc | undefined {
    const entry = this.#traces.get(traceId);
    if (entry === undefined) return undefined;
    return { traceId, spans: [...entry.spans].sort((a, b) => a.startMs - b.startMs) };
  }

  stats(): TraceStoreStats {
    return { spans: this.#spans, maxSpans: this.#maxSpans, traces: this.#traces.size, retentionMs: this.#retentionMs, evicted: this.#evicted };
  }

  #trim(now: number): void {
    for (const [id, entry] of this.#traces) {
      if (this.#spans <= this.#maxSpans && entry.arrived >= now - this.#retentionMs) break;
      this.#traces.delete(id);
      this.#spans -= entry.spans.length;
      this.#evicted += entry.spans.length;
    }
  }
}

/** A trace as a list shows it: its root's name and service (else its earliest span's). */
export function summarize(traceId: string, spans: readonly StoredSpan[]): TraceSummary {
  const ids = new Set(spans.map((s) => s.spanId));
  let root: StoredSpan | undefined;
  let start = Infinity;
  let end = -Infinity;
  const services = new Set<string>();
  let error = false;
  for (const s of spans) {
    if (s.startMs < start) start = s.startMs;
    if (s.startMs + s.durationMs > end) end = s.startMs + s.durationMs;
    services.add(s.service);
    if (s.status === 'error') error = true;
    const isRoot = s.parentSpanId === '' || !ids.has(s.parentSpanId);
    if (isRoot && (root === undefined || s.startMs < root.startMs)) root = s;
  }
  return {
    traceId,
    name: root?.name ?? '',
    service: root?.service ?? '',
    startMs: spans.length === 0 ? 0 : start,
    durationMs: spans.length === 0 ? 0 : end - start,
    spans: spans.length,
    services: [...services].sort(),
    error,
  };
}
