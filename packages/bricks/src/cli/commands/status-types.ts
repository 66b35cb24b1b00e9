// The shape of GET /v1/status as the CLI reads it.
import type { ServiceStatus } from '../../platform/daemon/status-view.ts';
import type { Usage } from '../../platform/telemetry/usage.ts';

export type ReplicaRow = ServiceStatus['replicas'][number] & Partial<Usage>;
export type ServiceRow = Omit<ServiceStatus, 'replicas'> & { readonly replicas: readonly ReplicaRow[] };
export interface StatusDoc {
  readonly stack: string;
  readonly file: string;
  readonly services: readonly ServiceRow[];
}
