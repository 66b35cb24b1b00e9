// GET /v1/metrics/range: per service, requests per second, error rate, p50 and p99 latency (from
// the SDK's RPC server histogram), CPU and memory (from the replicas' process metrics), in steps
// over a window of the embedded store: what the dashboard charts.
import type { QueryCodec } from './route-spec.ts';
import { queryOf } from './route-spec.ts';

export interface RangeQuery {
  readonly windowMs?: number;
  readonly stepMs?: number;
}

/** A quarter of an hour in 15 s steps (three scrapes a step): 60 points a line. */
export const DEFAULT_RANGE_WINDOW_MS = 15 * 60_000;
export const DEFAULT_RANGE_STEP_MS = 15_000;
/** More points than a chart's width in pixels is work for nothing. */
export const MAX_RANGE_STEPS = 720;

export const rangeQuery: QueryCodec<RangeQuery> = {
  encode: (q) => queryOf({ window: q.windowMs === undefined ? undefined : String(q.windowMs), step: q.stepMs === undefined ? undefined : String(q.stepMs) }),
  decode: (query) => {
    const positive = (key: string, fallback: number): number => {
      const v = Number(query.get(key));
      return Number.isFinite(v) && v > 0 ? v : fallback;
    };
    const windowMs = positive('window', DEFAULT_RANGE_WINDOW_MS);
    const stepMs = Math.max(positive('step', DEFAULT_RANGE_STEP_MS), Math.ceil(windowMs / MAX_RANGE_STEPS));
    return { windowMs, stepMs };
  },
};

/** One value per step; null where the step had nothing to measure. */
export type Line = readonly (number | null)[];

export interface RangeService {
  readonly service: string;
  readonly rps: Line;
  /** Failed ÷ all, 0 to 1. */
  readonly errorRate: Line;
  readonly p50Ms: Line;
  readonly p99Ms: Line;
  /** Percent of one core, over the service's replicas. */
  readonly cpu: Line;
  /** Resident bytes, over the service's replicas. */
  readonly memory: Line;
}

export interface RangeDoc {
  readonly stepMs: number;
  /** The end of each step, epoch ms, oldest first. */
  readonly times: readonly number[];
  readonly services: readonly RangeService[];
}
