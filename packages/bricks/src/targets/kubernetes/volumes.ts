// Compose named volumes in Kubernetes words, as kompose does: a PersistentVolumeClaim per named
// volume that a service mounts, and the pod volume and mount that use it. The data then
// outlives the pods (updates, rollbacks, reschedules), as a Swarm named volume outlives tasks.
import { PersistentVolumeClaim } from 'kubernetes-models/v1';
import type { IVolume, IVolumeMount } from 'kubernetes-models/v1';
import type { Service } from '../../stack/model.ts';
import { readVolumes } from '../compose-keys.ts';
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
 * A service's `volumes` entries that name a top-level volume (short `name:/path[:ro]` or long
 * `{ type: volume, source, target, read_only }`). A host path or tmpfs has no equal in a
 * cluster, and silently dropping it would lose data: those are errors that name the entry.
 */
export function namedMounts(ctx: RenderContext, service: Service): NamedMount[] {
  const raw = service.compose['volumes'];
  if (!Array.isArray(raw)) return [];
  const declared = topLevelVolumes(ctx);
  return raw.map((entry: unknown, i) => {
    const where = `services.${service.name}.volumes[${i}]`;
    const m = parseMount(entry);
    if (m === null || !declared.has(m.volume)) {
      throw new TargetError('invalid-stack', `${where}: Kubernetes gets named volumes only (declared under the top-level volumes:); ${JSON.stringify(entry)} is a host path, tmpfs or undeclared volume`);
    }
    return m;
  });
}

function parseMount(entry: unknown): NamedMount | null {
  if (typeof entry === 'string') {
    const [source = '', target = '', mode = ''] = entry.split(':');
    if (source === '' || target === '' || /^[./~]/.test(source)) return null;
    return { volume: source, target, readOnly: mode.split(',').includes('ro') };
  }
  if (typeof entry === 'object' && entry !== null) {
    const e = entry as Record<string, unknown>;
    if (e['type'] !== 'volume' || typeof e['source'] !== 'string' || typeof e['target'] !== 'string') return null;
    return { volume: e['source'], target: e['target'], readOnly: e['read_only'] === true };
  }
  return null;
}

function topLevelVolumes(ctx: RenderContext): Set<string> {
  return new Set(Object.keys(readVolumes(ctx.stack)));
}

/** The claim of a named volume: the volume's name, as a Deployment is named after its service. */
export function claimName(volume: string): string {
  return dnsLabel(volume);
}

/** One claim per named volume that some service mounts, in the order the stack declares them. */
export function renderVolumeClaims(ctx: RenderContext): PersistentVolumeClaim[] {
  const used = new Set(Object.values(ctx.stack.services).flatMap((s) => namedMounts(ctx, s).map((m) => m.volume)));
  return [...topLevelVolumes(ctx)].filter((v) => used.has(v)).map(
    (v) =>
      new PersistentVolumeClaim({
        metadata: metadata(ctx, claimName(v), null),
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: defaultClaimSize } } },
      }),
  );
}

/** The pod volumes and container mounts for a service's named volumes. */
export function claimMounts(ctx: RenderContext, service: Service): { volumes: IVolume[]; mounts: IVolumeMount[] } {
  const volumes: IVolume[] = [];
  const mounts: IVolumeMount[] = [];
  for (const m of namedMounts(ctx, service)) {
    const name = `data-${dnsLabel(m.volume)}`.slice(0, 63);
    if (!volumes.some((v) => v.name === name)) volumes.push({ name, persistentVolumeClaim: { claimName: claimName(m.volume) } });
    mounts.push({ name, mountPath: m.target, ...(m.readOnly ? { readOnly: true } : {}) });
  }
  return { volumes, mounts };
}
