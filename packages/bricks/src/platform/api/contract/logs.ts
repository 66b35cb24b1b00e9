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
  /** Only these replicas (`catalog.2`). */
  readonly replicas?: readonly string[];
  /** Epoch ms: lines from then on (reaching into the files when memory does not go back so far). */
  readonly since?: number;
  /** Epoch ms: lines before then. */
  readonly until?: number;
  /** Lines at this level or above (10 trace … 60 fatal); plain-text lines have none and are left out. */
  readonly level?: number;
  /** Lines logged inside this trace (its W3C id). */
  readonly trace?: string;
  /** Lines that contain this text, case-insensitive. */
  readonly grep?: string;
  /** Lines of history; absent or not a number: the daemon's default. Negative: all it keeps. */
  readonly tail?: number;
  /** Keep the answer open as an NDJSON stream of new lines, after the history. */
  readonly follow?: boolean;
}

/** Lines of history when the request names no number: a screenful or so of context. */
export const DEFAULT_LOG_TAIL = 200;

const num = (v: string | null): number | undefined => (v === null || v.trim() === '' || !Number.isFinite(Number(v)) ? undefined : Number(v));
const str = (v: number | undefined): string | undefined => (v === undefined ? undefined : String(v));

export const logsQuery: QueryCodec<LogsQuery> = {
  encode: (q) =>
    queryOf({
      service: q.services,
      replica: q.replicas,
      tail: str(q.tail),
      follow: q.follow === true ? '1' : undefined,
      since: str(q.since),
      until: str(q.until),
      level: str(q.level),
      trace: q.trace,
      grep: q.grep,
    }),
  decode: (query) => {
    const tail = Number(query.get('tail') ?? DEFAULT_LOG_TAIL);
    const optional = {
      since: num(query.get('since')),
      until: num(query.get('until')),
      level: num(query.get('level')),
      trace: query.get('trace') ?? undefined,
      grep: query.get('grep') ?? undefined,
    };
    return {
      services: query.getAll('service'),
      replicas: query.getAll('replica'),
      tail: Number.isFinite(tail) ? tail : DEFAULT_LOG_TAIL,
      follow: query.get('follow') === '1',
      ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
    };
  },
};
