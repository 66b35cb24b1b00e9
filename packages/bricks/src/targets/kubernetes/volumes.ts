// Compose named volumes in Kubernetes words, as kompose does: a PersistentVolumeClaim per named
// volume that a service mounts, and the pod volume and mount that use it. The data then
// outlives the pods (updates, rollbacks, reschedules), as a Swarm named volume outlives tasks.
import { PersistentVolumeClaim } from 'kubernetes-models/v1';
import type { IVolume, IVolumeMount } from 'kubernetes-models/v1';
import type { Service } from '../../stack/model.ts';
import { TargetError } from '../errors.ts';
import { dnsLabel } from '../naming.ts';
import { metadata } from './context.ts';
import type { RenderContext } from './context.ts';

/**
 * The size each claim asks for. Compose says nothing about size; 1 GiB holds an example's
 * databases, and an operator resizes a claim (or edits the manifest) for real data.
 */
export const defaultClaimSize = '1Gi';

export interface NamedMount {
  readonly volume: string;
  readonly target: string;
  readonly readOnly: boolean;
}

/**
 * A service's `volumes` entries, each of which must name a top-level volume. A host path or
 * tmpfs has no equal in a cluster, and silently dropping it would lose data: those are errors
 * that name the entry.
 */
export function namedMounts(ctx: RenderContext, service: Service): NamedMount[] {
  return service.volumes.map((m, i) => {
    if (m.type !== 'volume' || m.source === undefined || ctx.stack.volumes[m.source] === undefined) {
      const what = m.type === 'volume' ? (m.source === undefined ? 'an anonymous volume' : `the undeclared volume ${m.source}`) : `a ${m.type} mount`;
      throw new TargetError('invalid-stack', `services.${service.name}.volumes[${i}]: Kubernetes gets named volumes only (declared under the top-level volumes:); ${m.target} is ${what}`);
    }
    return { volume: m.source, target: m.target, readOnly: m.readOnly };
  });
}

function topLevelVolumes(ctx: RenderContext): Set<string> {
  return new Set(Object.keys(ctx.stack.volumes));
}

/** The claim of a named volume: the volume's name, as a Deployment is named after its service. */
export function claimName(volume: string): string {
  return dnsLabel(volume);
}

/**
 * One claim per named volume that some service mounts, in the order the stack declares them.
 * A backing service's volumes are its StatefulSet's claim templates instead (statefulset.ts),
 * and no other service may share one: the claim is the database's alone.
 */
export function renderVolumeClaims(ctx: RenderContext): PersistentVolumeClaim[] {
  const services = Object.values(ctx.stack.services);
  const stateful = new Map(services.filter((s) => s.backing !== undefined).flatMap((s) => namedMounts(ctx, s).map((m) => [m.volume, s.name] as const)));
  for (const s of services) {
    if (s.backing !== undefined) continue;
    for (const m of namedMounts(ctx, s)) {
      const owner = stateful.get(m.volume);
      if (owner !== undefined) throw new TargetError('invalid-stack', `services.${s.name}.volumes: ${m.volume} is the data of the backing service ${owner}; on Kubernetes it is that StatefulSet's claim, which no other pod can mount`);
    }
  }
  const used = new Set(services.filter((s) => s.backing === undefined).flatMap((s) => namedMounts(ctx, s).map((m) => m.volume)));
  return [...topLevelVolumes(ctx)].filter((v) => used.has(v)).map(
    (v) =>
      new PersistentVolumeClaim({
        metadata: metadata(ctx, claimName(v), null),
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: defaultClaimSize } } },
      }),
  );
}

/** The pod volume (or StatefulSet claim template) name of a named volume in a pod. */
export function claimMountName(volume: string): string {
  return `data-${dnsLabel(volume)}`.slice(0, 63);
}

/** The pod volumes and container mounts for a service's named volumes. */
export function claimMounts(ctx: RenderContext, service: Service): { volumes: IVolume[]; mounts: IVolumeMount[] } {
  const volumes: IVolume[] = [];
  const mounts: IVolumeMount[] = [];
  for (const m of namedMounts(ctx, service)) {
    const name = claimMountName(m.volume);
    if (!volumes.some((v) => v.name === name)) volumes.push({ name, persistentVolumeClaim: { claimName: claimName(m.volume) } });
    mounts.push({ name, mountPath: m.target, ...(m.readOnly ? { readOnly: true } : {}) });
  }
  return { volumes, mounts };
}
