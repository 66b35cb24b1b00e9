// The trace routes: replicas post their spans with OTLP/HTTP (POST /v1/traces, JSON, the path
// every OpenTelemetry exporter appends to its endpoint); `bricks traces` lists recent traces
// (GET /v1/traces) and shows one (GET /v1/trace).
import type { QueryCodec } from './route-spec.ts';
import { queryOf } from './route-spec.ts';

export type SpanKindName = 'internal' | 'server' | 'client' | 'producer' | 'consumer';
export type SpanStatusName = 'unset' | 'ok' | 'error';

/** One span as the daemon keeps it. Times in ms since the epoch (fractions kept). */
export interface StoredSpan {
  readonly traceId: string;
  readonly spanId: string;
  /** Empty for a trace's root. */
  readonly parentSpanId: string;
  readonly name: string;
  readonly kind: SpanKindName;
  /** The resource's service.name (the platform's own spans: `bricks`). */
  readonly service: string;
  /** The resource's service.instance.id: `catalog.2`. */
  readonly replica: string;
  readonly startMs: number;
  readonly durationMs: number;
  readonly status: SpanStatusName;
  readonly statusMessage: string;
  /** W3C tracestate, as the span carried it. */
  readonly traceState: string;
  readonly attributes: Readonly<Record<string, string | number | boolean>>;
}

export interface TracesQuery {
  readonly service?: string;
  /** A substring of a span's name: `CatalogService/GetGame`. */
  readonly method?: string;
  readonly minDurationMs?: number;
  /** Only traces with a span that failed. */
  readonly errors?: boolean;
  readonly limit?: number;
}

export const DEFAULT_TRACES_LIMIT = 20;

export const tracesQuery: QueryCodec<TracesQuery> = {
  encode: (q) =>
    queryOf({
      service: q.service,
      method: q.method,
      min: q.minDurationMs === undefined ? undefined : String(q.minDurationMs),
      errors: q.errors === true ? '1' : undefined,
      limit: q.limit === undefined ? undefined : String(q.limit),
    }),
  decode: (query) => {
    const num = (key: string): number | undefined => {
      const v = Number(query.get(key) ?? '');
      return query.get(key) !== null && Number.isFinite(v) && v >= 0 ? v : undefined;
    };
    const min = num('min');
    const limit = num('limit');
    return {
      ...(query.get('service') !== null ? { service: query.get('service')! } : {}),
      ...(query.get('method') !== null ? { method: query.get('method')! } : {}),
      ...(min !== undefined ? { minDurationMs: min } : {}),
      ...(query.get('errors') === '1' ? { errors: true } : {}),
      limit: Math.min(limit ?? DEFAULT_TRACES_LIMIT, 1000),
    };
  },
};

/** One trace in a list: what its root (or earliest span) says, and how far it reached. */
export interface TraceSummary {
  readonly traceId: string;
  readonly name: string;
  readonly service: string;
  readonly startMs: number;
  readonly durationMs: number;
  readonly spans: number;
  readonly services: readonly string[];
  readonly error: boolean;
}

export interface TracesDoc {
  readonly traces: readonly TraceSummary[];
  /** The store's bounds and use. */
  readonly store: TraceStoreStats;
}

export interface TraceStoreStats {
  readonly spans: number;
  readonly maxSpans: number;
  readonly traces: number;
  readonly retentionMs: number;
  /** Spans let go to keep within the bounds, since the daemon started. */
  readonly evicted: number;
}

export interface TraceQuery {
  readonly id: string;
}

export const traceQuery: QueryCodec<TraceQuery> = {
  encode: (q) => queryOf({ id: q.id }),
  decode: (query) => ({ id: (query.get('id') ?? '').toLowerCase() }),
};

export interface TraceDoc {
  readonly traceId: string;
  /** By start time. */
  readonly spans: readonly StoredSpan[];
}

/** OTLP's ExportTraceServiceResponse, in JSON. */
export interface OtlpExportAnswer {
  readonly partialSuccess?: { readonly rejectedSpans: number; readonly errorMessage: string };
}
