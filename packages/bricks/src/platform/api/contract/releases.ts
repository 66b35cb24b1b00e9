// GET /v1/history and /v1/diff: the releases the daemon recorded, and how two of them differ.
import type { Release, ReleaseDiff, ReleaseEntry, ServiceChange } from '../../releases/index.ts';
import { ApiError } from '../errors.ts';
import type { QueryCodec } from './route-spec.ts';
import { queryOf } from './route-spec.ts';

/** A first release has nothing to compare with: each of its services counts as added. */
export type HistoryChange = ServiceChange | { readonly name: string; readonly change: 'added' };

export type HistoryRow = ReleaseEntry & { readonly changes: readonly HistoryChange[] };

export interface HistoryDoc {
  /** The id of the release that runs. */
  readonly current: number | null;
  /** Oldest first. */
  readonly releases: readonly HistoryRow[];
}

export interface DiffQuery {
  /** Each a SHA (prefix) or `-N`. */
  readonly a: string;
  readonly b: string;
}

export const diffQuery: QueryCodec<DiffQuery> = {
  encode: (q) => queryOf({ a: q.a, b: q.b }),
  decode: (query) => {
    const [a, b] = [query.get('a'), query.get('b')];
    if (a === null || b === null) throw new ApiError('bad-request', 'diff needs two releases: ?a=REF&b=REF');
    return { a, b };
  },
};

export interface DiffDoc {
  readonly a: Release;
  readonly b: Release;
  readonly diff: ReleaseDiff;
}
