// GET /v1/logs: replicas' output, line by line, as the log collector keeps it.
import type { QueryCodec } from './route-spec.ts';
import { queryOf } from './route-spec.ts';

export interface LogLine {
  readonly time: number;
  readonly service: string;
  readonly replica: string;
  readonly stream: 'stdout' | 'stderr';
  readonly line: string;
}

export interface LogsQuery {
  /** Only these services; all when empty. */
  readonly services?: readonly string[];
  /** Lines of history; absent or not a number: the daemon's default. Negative: all it keeps. */
  readonly tail?: number;
  /** Keep the answer open as an NDJSON stream of new lines, after the history. */
  readonly follow?: boolean;
}

/** Lines of history when the request names no number: a screenful or so of context. */
export const DEFAULT_LOG_TAIL = 200;

export const logsQuery: QueryCodec<LogsQuery> = {
  encode: (q) => queryOf({ service: q.services, tail: q.tail === undefined ? undefined : String(q.tail), follow: q.follow === true ? '1' : undefined }),
  decode: (query) => {
    const tail = Number(query.get('tail') ?? DEFAULT_LOG_TAIL);
    return { services: query.getAll('service'), tail: Number.isFinite(tail) ? tail : DEFAULT_LOG_TAIL, follow: query.get('follow') === '1' };
  },
};
