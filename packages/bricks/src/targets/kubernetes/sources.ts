// Top-level Compose `secrets:` and `configs:` as Kubernetes Secrets and ConfigMaps, and the
// volumes that put them where Compose would (`/run/secrets/<name>`, `/<name>`).
// Secret values are read here and only ever leave as base64 in the Secret object.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigMap, Secret } from 'kubernetes-models/v1';
import type { IVolume, IVolumeMount } from 'kubernetes-models/v1';
import type { Service, ValueSource } from '../../stack/model.ts';
import { readSourceValue } from '../source-value.ts';
import { AMBASSADOR_FILE, AMBASSADOR_MOUNT, AMBASSADOR_SOURCE } from '../ambassador.ts';
import { INITDB_KEY, INITDB_MOUNT, initdbScript, initdbSource } from '../backing-init.ts';
import { TargetError } from '../errors.ts';
import { dnsLabel } from '../naming.ts';
import { metadata } from './context.ts';
import type { RenderContext } from './context.ts';

type Kind = 'secrets' | 'configs';

/** The key inside the Secret/ConfigMap: Kubernetes keys allow `[-._a-zA-Z0-9]`. */
export function dataKey(source: string): string {
  return source.replace(/[^-._a-zA-Z0-9]/g, '_');
}

function objectName(ctx: RenderContext, kind: Kind, name: string, src: ValueSource | undefined): string {
  if (src?.kind === 'external') return src.name;
  const base = dnsLabel(`${kind === 'secrets' ? 'secret' : 'config'}-${name}`);
  if (ctx.hashSources !== true || src === undefined) return base;
  // Rotation: a changed value is a new object name, so the pod template of each user changes and
  // only those Deployments roll (kubelet never refreshes a subPath mount in place).
  const value = readSourceValue(kind, name, src);
  return value === null ? base : `${base.slice(0, 54)}-${createHash('sha256').update(value).digest('hex').slice(0, 8)}`;
}


/**
 * One Secret per top-level secret and one ConfigMap per config that a service uses.
 * `readSecrets: false` leaves secret values empty (the Helm chart takes them from values).
 */
export function renderSources(ctx: RenderContext, opts: { readSecrets: boolean } = { readSecrets: true }): Array<Secret | ConfigMap> {
  const used = (kind: Kind): Set<string> => {
    const names = new Set<string>();
    for (const s of Object.values(ctx.stack.services)) {
      for (const m of s[kind]) names.add(m.source);
    }
    return names;
  };
  const out: Array<Secret | ConfigMap> = [];
  for (const kind of ['secrets', 'configs'] as const) {
    const sources = ctx.stack[kind];
    for (const name of used(kind)) {
      const src = sources[name];
      if (!src) throw new TargetError('invalid-stack', `${kind}.${name}: used by a service but not declared at the top level`);
      const value = kind === 'secrets' && !opts.readSecrets
        ? (src.kind === 'external' ? null : Buffer.alloc(0))
        : readSourceValue(kind, name, src);
      if (value === null) continue;
      const meta = metadata(ctx, objectName(ctx, kind, name, src), null);
      const key = dataKey(name);
      if (kind === 'secrets') {
        out.push(new Secret({ metadata: meta, type: 'Opaque', data: { [key]: value.toString('base64') } }));
      } else {
        const text = value.toString('utf8');
        const isText = Buffer.from(text, 'utf8').equals(value);
        out.push(new ConfigMap({
          metadata: meta,
          ...(isText ? { data: { [key]: text } } : { binaryData: { [key]: value.toString('base64') } }),
        }));
      }
    }
  }
  // The ambassadors' forwarder, one ConfigMap for every ambassador of the stack (../ambassador.ts).
  if (Object.values(ctx.stack.services).some((x) => x.bricks.ambassador !== undefined)) {
    out.push(new ConfigMap({ metadata: metadata(ctx, ambassadorConfigMap(ctx), null), data: { [AMBASSADOR_KEY]: readFileSync(AMBASSADOR_FILE, 'utf8') } }));
  }
  // A backing service's further databases: the file its image runs on first start (../backing-init.ts).
  for (const service of Object.values(ctx.stack.services)) {
    const script = initdbScript(service);
    if (script !== null) out.push(new ConfigMap({ metadata: metadata(ctx, initdbConfigMap(ctx, service), null), data: { [INITDB_KEY]: script } }));
  }
  return out;
}

const AMBASSADOR_KEY = 'ambassador.mjs';

function ambassadorConfigMap(ctx: RenderContext): string {
  return dnsLabel(`${ctx.stack.name}-${AMBASSADOR_SOURCE}`);
}

function initdbConfigMap(ctx: RenderContext, service: Service): string {
  return dnsLabel(`${ctx.stack.name}-${initdbSource(service)}`);
}

/** The pod volumes and container mounts for a service's secrets and configs (one file each, via subPath). */
export function sourceMounts(ctx: RenderContext, service: Service): { volumes: IVolume[]; mounts: IVolumeMount[] } {
  const volumes: IVolume[] = [];
  const mounts: IVolumeMount[] = [];
  for (const kind of ['secrets', 'configs'] as const) {
    const sources = ctx.stack[kind];
    const list = service[kind];
    list.forEach((m, i) => {
      const volume = `${kind === 'secrets' ? 'secret' : 'config'}-${i}`;
      const name = objectName(ctx, kind, m.source, sources[m.source]);
      volumes.push(kind === 'secrets'
        ? { name: volume, secret: { secretName: name } }
        : { name: volume, configMap: { name } });
      mounts.push({ name: volume, mountPath: m.target, subPath: dataKey(m.source), readOnly: true });
    });
  }
  if (service.bricks.ambassador !== undefined) {
    volumes.push({ name: AMBASSADOR_SOURCE, configMap: { name: ambassadorConfigMap(ctx) } });
    mounts.push({ name: AMBASSADOR_SOURCE, mountPath: AMBASSADOR_MOUNT, subPath: AMBASSADOR_KEY, readOnly: true });
  }
  if (initdbScript(service) !== null) {
    volumes.push({ name: 'bricks-initdb', configMap: { name: initdbConfigMap(ctx, service) } });
    mounts.push({ name: 'bricks-initdb', mountPath: INITDB_MOUNT, subPath: INITDB_KEY, readOnly: true });
  }
  return { volumes, mounts };
}
