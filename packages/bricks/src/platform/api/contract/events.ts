// GET /v1/events: what the platform tells the world, as NDJSON lines; `bricks up` prints them,
// the deployer waits on them, the dashboard shows them.
import type { ServiceCondition, StopReason } from '../../reconciler/index.ts';
import type { QueryCodec } from './route-spec.ts';
import { queryOf } from './route-spec.ts';

export type PlatformEvent =
  | { readonly type: 'replica-starting'; readonly service: string; readonly replica: string; readonly at: number }
  | { readonly type: 'replica-started'; readonly service: string; readonly replica: string; readonly pid: number; readonly port: number; readonly at: number }
  | { readonly type: 'replica-ready'; readonly service: string; readonly replica: string; readonly at: number }
  | { readonly type: 'replica-unready'; readonly service: string; readonly replica: string; readonly detail: string; readonly at: number }
  | { readonly type: 'replica-stopping'; readonly service: string; readonly replica: string; readonly reason: StopReason; readonly at: number }
  | {
      readonly type: 'replica-exited';
      readonly service: string;
      readonly replica: string;
      readonly code: number | null;
      readonly signal: string | null;
      readonly expected: boolean;
      readonly at: number;
    }
  | { readonly type: 'replica-failed-to-start'; readonly service: string; readonly replica: string; readonly error: string; readonly at: number }
  | { readonly type: 'service-condition'; readonly service: string; readonly condition: ServiceCondition; readonly at: number }
  | { readonly type: 'routes'; readonly service: string; readonly endpoints: readonly string[]; readonly at: number }
  /** A new replica count, and why: `bricks scale`, or the autoscaler's reason. */
  | { readonly type: 'scaled'; readonly service: string; readonly replicas: number; readonly reason: string; readonly at: number }
  | { readonly type: 'restarting'; readonly service: string; readonly at: number }
  | { readonly type: 'service-removed'; readonly service: string; readonly at: number }
  | {
      readonly type: 'rollout';
      readonly service: string;
      readonly version: string;
      readonly state: 'completed' | 'paused' | 'failed';
      readonly reason: string | null;
      readonly at: number;
    }
  | {
      readonly type: 'release';
      readonly id: number;
      readonly sha: string;
      readonly state: 'building' | 'rolling' | 'completed' | 'failed' | 'rolled-back' | 'unchanged';
      readonly services: readonly string[];
      readonly detail: string;
      readonly at: number;
    }
  | { readonly type: 'proxy'; readonly service: string; readonly detail: string; readonly at: number }
  | { readonly type: 'platform'; readonly state: 'up' | 'stopping' | 'down'; readonly at: number };

export interface EventsQuery {
  /**
   * Recent events first, then live ones. The first line then comes once the subscription is in
   * place, so a reader that waits for it misses no change.
   */
  readonly history?: boolean;
}

export const eventsQuery: QueryCodec<EventsQuery> = {
  encode: (q) => queryOf({ history: q.history === true ? '1' : undefined }),
  decode: (query) => ({ history: query.has('history') }),
};
