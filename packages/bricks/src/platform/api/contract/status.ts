// GET /v1/status: what `ps`, `up` and the dashboard show of each service and its replicas.
import type { Replica, Rollout, ServiceCondition } from '../../reconciler/index.ts';
import type { Usage } from '../../telemetry/usage.ts';
import type { QueryCodec } from './route-spec.ts';
import { queryOf } from './route-spec.ts';

export interface ReplicaStatus {
  readonly id: string;
  readonly name: string;
  readonly service: string;
  readonly slot: number;
  readonly version: string;
  readonly phase: Replica['phase'];
  readonly ready: boolean;
  readonly pid: number | null;
  readonly port: number | null;
  readonly startedAt: number | null;
  readonly restarts: number;
  readonly health: string;
  readonly stopReason: string | null;
}

export interface ServiceStatus {
  readonly name: string;
  readonly address: string;
  /** The services this unit serves: itself, or the members of its `x-bricks.group`. */
  readonly members: readonly { readonly name: string; readonly address: string }[];
  readonly version: string;
  readonly rollout: Rollout | null;
  readonly desired: number;
  /** Set for an autoscaled service: its bounds, and why it runs `desired` replicas now. */
  readonly autoscale: { readonly min: number; readonly max: number; readonly reason: string } | null;
  readonly ready: number;
  readonly condition: ServiceCondition;
  readonly restarts: number;
  readonly lastExit: { readonly code: number | null; readonly signal: string | null } | null;
  readonly replicas: readonly ReplicaStatus[];
}

/** A replica as the status document has it: with CPU and memory unless the request left them out. */
export type ReplicaRow = ReplicaStatus & Partial<Usage>;
export type ServiceRow = Omit<ServiceStatus, 'replicas'> & { readonly replicas: readonly ReplicaRow[] };

export interface StatusDoc {
  readonly stack: string;
  readonly file: string;
  readonly services: readonly ServiceRow[];
}

export interface StatusQuery {
  /** false: no CPU and memory, which cost a walk of /proc (a waiting `up` asks often). */
  readonly usage?: boolean;
}

export const statusQuery: QueryCodec<StatusQuery> = {
  encode: (q) => queryOf({ usage: q.usage === false ? '0' : undefined }),
  decode: (query) => ({ usage: query.get('usage') !== '0' }),
};
