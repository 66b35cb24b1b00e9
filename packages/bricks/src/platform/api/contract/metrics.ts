// The metrics routes: the platform's own metrics for Prometheus (GET /v1/metrics, text
// format), Prometheus HTTP service discovery of every replica and of the platform
// (GET /v1/prometheus/targets), and what `bricks top` shows (GET /v1/top).
import type { TopRow } from '../../telemetry/top.ts';
import type { QueryCodec } from './route-spec.ts';
import { queryOf } from './route-spec.ts';

/** One group of Prometheus' http_sd_config: targets sharing labels (`__metrics_path__` among them). */
export interface HttpSdGroup {
  readonly targets: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
}

export interface TopQuery {
  /** The window rates and quantiles are taken over, ms. */
  readonly windowMs?: number;
}

/** `top`'s window when the request names none: three scrapes. */
export const DEFAULT_TOP_WINDOW_MS = 15_000;

export const topQuery: QueryCodec<TopQuery> = {
  encode: (q) => queryOf({ window: q.windowMs === undefined ? undefined : String(q.windowMs) }),
  decode: (query) => {
    const w = Number(query.get('window'));
    return { windowMs: Number.isFinite(w) && w > 0 ? w : DEFAULT_TOP_WINDOW_MS };
  },
};

export interface TopReplica {
  readonly service: string;
  readonly name: string;
  /** Percent of one core, as `ps` shows it; null when it could not be read. */
  readonly cpu: number | null;
  /** Resident bytes. */
  readonly memory: number | null;
}

export interface TopDoc {
  readonly at: number;
  readonly windowMs: number;
  /** Per service (replica null) and per replica, from the replicas' own RPC histograms. */
  readonly rows: readonly TopRow[];
  /** Per service: requests per second and in flight at its address (every program, SDK or not). */
  readonly addresses: readonly { readonly service: string; readonly rps: number; readonly inFlight: number }[];
  readonly replicas: readonly TopReplica[];
  /** The store's bounds and use. */
  readonly store: { readonly series: number; readonly maxSeries: number; readonly bytes: number; readonly retentionMs: number; readonly dropped: number };
}
