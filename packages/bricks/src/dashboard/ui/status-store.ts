// The services page's live state: the status document fetched once, then changed event by event
// from the event stream. An event the document cannot absorb (a replica it has not seen) asks for
// one fresh status; nothing polls the whole status. Pure, so it is tested without a browser.
import type { PlatformEvent, ReplicaRow, ServiceRow, StatusDoc, TopDoc } from '../../platform/api/contract/index.ts';

export interface Applied {
  readonly status: StatusDoc;
  /** The event named something the document does not have: fetch the status again. */
  readonly refetch: boolean;
}

type ReplicaPatch = Partial<Pick<ReplicaRow, 'phase' | 'ready' | 'pid' | 'port' | 'startedAt' | 'health' | 'stopReason'>>;

function patchReplica(status: StatusDoc, service: string, replica: string, patch: ReplicaPatch | null): Applied {
  let found = false;
  const services = status.services.map((s): ServiceRow => {
    if (s.name !== service) return s;
    const replicas = s.replicas.flatMap((r): ReplicaRow[] => {
      if (r.name !== replica && r.id !== replica) return [r];
      found = true;
      return patch === null ? [] : [{ ...r, ...patch }];
    });
    return { ...s, replicas, ready: replicas.filter((r) => r.ready).length };
  });
  return { status: { ...status, services }, refetch: !found && patch !== null };
}

function patchService(status: StatusDoc, service: string, patch: Partial<ServiceRow>): Applied {
  const known = status.services.some((s) => s.name === service);
  return { status: { ...status, services: status.services.map((s) => (s.name === service ? { ...s, ...patch } : s)) }, refetch: !known };
}

export function applyEvent(status: StatusDoc, e: PlatformEvent): Applied {
  switch (e.type) {
    case 'replica-starting':
      return patchReplica(status, e.service, e.replica, { phase: 'starting', ready: false });
    case 'replica-started':
      return patchReplica(status, e.service, e.replica, { phase: 'running', pid: e.pid, port: e.port, startedAt: e.at });
    case 'replica-ready':
      return patchReplica(status, e.service, e.replica, { ready: true, health: 'ready' });
    case 'replica-unready':
      return patchReplica(status, e.service, e.replica, { ready: false, health: e.detail });
    case 'replica-stopping':
      return patchReplica(status, e.service, e.replica, { phase: 'stopping', ready: false, stopReason: e.reason });
    case 'replica-exited':
      // A replacement comes with its own replica-starting; its restart count comes with a fresh status then.
      return { status: patchReplica(status, e.service, e.replica, null).status, refetch: !e.expected };
    case 'replica-failed-to-start':
      return { status: patchReplica(status, e.service, e.replica, null).status, refetch: true };
    case 'service-condition':
      return patchService(status, e.service, { condition: e.condition });
    case 'scaled':
      return patchService(status, e.service, { desired: e.replicas });
    case 'rollout':
      return { status, refetch: true };
    case 'release':
      return { status, refetch: e.state === 'completed' || e.state === 'rolled-back' || e.state === 'failed' };
    case 'service-removed':
      return { status: { ...status, services: status.services.filter((s) => s.name !== e.service) }, refetch: false };
    case 'restarting':
    case 'routes':
    case 'proxy':
    case 'platform':
      return { status, refetch: false };
  }
}

/** CPU and memory from `top` (read every few seconds: usage is not an event). */
export function applyUsage(status: StatusDoc, top: TopDoc): StatusDoc {
  const byName = new Map(top.replicas.map((r) => [r.name, r]));
  return {
    ...status,
    services: status.services.map((s) => ({
      ...s,
      replicas: s.replicas.map((r) => {
        const u = byName.get(r.name);
        return u === undefined ? r : { ...r, ...(u.cpu !== null ? { cpu: u.cpu } : {}), ...(u.memory !== null ? { memory: u.memory } : {}) };
      }),
    })),
  };
}
