// GET /v1/discovery: the ready endpoints of every service, for SDK clients in the replicas. The
// SDK cannot import the platform, so it reads this document with its own schema
// (packages/sdk/src/discovery/platform.ts); the two must agree.
import type { QueryCodec } from './route-spec.ts';
import { queryOf } from './route-spec.ts';

export interface DiscoveryDoc {
  /** Moves whenever an endpoint list changes. */
  readonly version: number;
  readonly services: Readonly<Record<string, { readonly address: string; readonly endpoints: readonly { readonly id: string; readonly url: string }[] }>>;
}

export interface DiscoveryQuery {
  /** Long-poll: answer once the version differs from `version` (or after the daemon's hold). */
  readonly watch?: boolean;
  readonly version?: number;
}

export const discoveryQuery: QueryCodec<DiscoveryQuery> = {
  encode: (q) => queryOf({ watch: q.watch === true ? '1' : undefined, version: q.version === undefined ? undefined : String(q.version) }),
  // An absent version is 0 (Number(null)), as replicas have always been answered.
  decode: (query) => ({ watch: query.get('watch') === '1', version: Number(query.get('version')) }),
};
