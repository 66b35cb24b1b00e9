// Parts of the model written back as Compose: what `bricks config` prints (to-compose.ts) and
// what the Swarm target hands `docker stack deploy` (targets/swarm/render.ts), so both say a
// key the same way. Durations keep their unit; unset keys are left out.
import { formatDuration } from '@bricks/sdk/duration';
import type {
  FileMount, Placement, PortMapping, ProbeTimingSpec, ResourceSet, Resources, RestartPolicySpec, UpdateConfigSpec, VolumeMount,
} from './model.ts';

export type Doc = Record<string, unknown>;

/** The map without its undefined values. */
export function defined(o: Doc): Doc {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

function duration(ms: number | undefined): string | undefined {
  return ms === undefined ? undefined : formatDuration(ms);
}

/** Docker's byte units: the largest binary unit that divides the size (`256M`, not `268435456`). */
export function bytesDoc(n: number): string {
  for (const [unit, size] of [['G', 1024 ** 3], ['M', 1024 ** 2], ['K', 1024]] as const) {
    if (n >= size && n % size === 0) return `${n / size}${unit}`;
  }
  return String(n);
}

/** `update_config` or `rollback_config`. */
export function updateConfigDoc(u: UpdateConfigSpec): Doc {
  return defined({
    parallelism: u.parallelism,
    delay: duration(u.delayMs),
    failure_action: u.failureAction,
    monitor: duration(u.monitorMs),
    max_failure_ratio: u.maxFailureRatio,
    order: u.order,
  });
}

export function restartPolicyDoc(r: RestartPolicySpec): Doc {
  return defined({ condition: r.condition, delay: duration(r.delayMs), max_attempts: r.maxAttempts, window: duration(r.windowMs) });
}

function resourceSetDoc(r: ResourceSet | undefined): Doc | undefined {
  if (r === undefined) return undefined;
  // cpus as a string, as Compose writes it and the Swarm loader wants it.
  return defined({ cpus: r.cpus === undefined ? undefined : String(r.cpus), memory: r.memoryBytes === undefined ? undefined : bytesDoc(r.memoryBytes), pids: r.pids });
}

export function resourcesDoc(r: Resources): Doc {
  return defined({ limits: resourceSetDoc(r.limits), reservations: resourceSetDoc(r.reservations) });
}

export function placementDoc(p: Placement): Doc {
  return defined({ constraints: p.constraints, preferences: p.preferences?.map((spread) => ({ spread })), max_replicas_per_node: p.maxReplicasPerNode });
}

export function portDoc(p: PortMapping): Doc {
  return defined({ target: p.target, published: p.published, protocol: p.protocol, host_ip: p.hostIp, mode: p.mode, name: p.name, app_protocol: p.appProtocol });
}

export function volumeMountDoc(v: VolumeMount): Doc {
  return defined({ type: v.type, source: v.source, target: v.target, read_only: v.readOnly || undefined });
}

export function fileMountDoc(m: FileMount): Doc {
  return defined({ source: m.source, target: m.target, uid: m.uid, gid: m.gid, mode: m.mode });
}

export function timingDoc(t: ProbeTimingSpec): Doc {
  return defined({ interval: duration(t.intervalMs), timeout: duration(t.timeoutMs), retries: t.retries, start_period: duration(t.startPeriodMs), start_interval: duration(t.startIntervalMs) });
}
