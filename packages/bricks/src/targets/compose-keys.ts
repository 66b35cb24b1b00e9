// Typed readers for the raw Compose keys that only the engine targets need (`ports`,
// `deploy.*`, `secrets`, `configs`, `x-bricks.autoscale`). The stack model keeps these maps
// whole; reading them here, once, keeps every renderer free of `unknown` juggling.
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Service, Stack } from '../stack/model.ts';
import { TargetError } from './errors.ts';

type Dict = Readonly<Record<string, unknown>>;

function isDict(v: unknown): v is Dict {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function dictAt(v: Dict, key: string): Dict {
  const d = v[key];
  return isDict(d) ? d : {};
}

function numberOf(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

function invalid(service: string, path: string, message: string): TargetError {
  return new TargetError('invalid-stack', `services.${service}.${path}: ${message}`);
}

const durationUnitsMs: Readonly<Record<string, number>> = {
  ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000,
};

/** A Compose (Go) duration like `1m30s` or `500ms`, or a number of seconds; null if unreadable. */
export function parseDurationMs(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v * 1000 : null;
  if (typeof v !== 'string' || v.trim() === '') return null;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(v); m !== null; m = re.exec(v)) {
    total += Number(m[1]) * (durationUnitsMs[m[2] ?? ''] ?? 0);
    matched = re.lastIndex;
  }
  return matched === v.length ? total : null;
}

// Docker's byte units are binary: `512m` is 512 MiB (docker/go-units RAMInBytes).
const byteUnits: Readonly<Record<string, number>> = {
  '': 1, b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3,
  t: 1024 ** 4, tb: 1024 ** 4,
};

/** A Compose byte size (`512M`, `1g`, a number of bytes) in bytes; null if unreadable. */
export function parseBytes(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) && v >= 0 ? Math.round(v) : null;
  if (typeof v !== 'string') return null;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(v);
  if (!m) return null;
  const unit = byteUnits[(m[2] ?? '').toLowerCase()];
  return unit === undefined ? null : Math.round(Number(m[1]) * unit);
}

export interface PublishedPort {
  /** The port inside the replica. */
  readonly target: number;
  /** The port on the host; null = let the engine choose. */
  readonly published: number | null;
  readonly protocol: 'tcp' | 'udp';
  readonly hostIp: string | null;
}

/** `ports:` in short (`"8080:80/tcp"`) or long (`{target, published}`) syntax. */
export function readPorts(service: Service): PublishedPort[] {
  const raw = service.compose['ports'];
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalid(service.name, 'ports', 'must be a list');
  return raw.map((entry: unknown, i): PublishedPort => {
    if (isDict(entry)) {
      const target = numberOf(entry['target']);
      if (target === null) throw invalid(service.name, `ports[${i}].target`, 'must be a port number');
      const published = entry['published'] === undefined ? null : numberOf(entry['published']);
      const protocol = entry['protocol'] === 'udp' ? 'udp' : 'tcp';
      const hostIp = typeof entry['host_ip'] === 'string' ? entry['host_ip'] : null;
      return { target, published, protocol, hostIp };
    }
    if (typeof entry !== 'string' && typeof entry !== 'number') {
      throw invalid(service.name, `ports[${i}]`, 'must be a string or a map');
    }
    const text = String(entry);
    const [spec = '', proto] = text.split('/');
    const parts = spec.split(':');
    const target = numberOf(parts.at(-1));
    const published = parts.length >= 2 ? numberOf(parts.at(-2)) : null;
    const hostIp = parts.length >= 3 ? parts.slice(0, -2).join(':') : null;
    if (target === null || (parts.length >= 2 && published === null)) {
      throw invalid(service.name, `ports[${i}]`, `"${text}" is not a single port mapping (ranges are not supported here)`);
    }
    return { target, published, protocol: proto === 'udp' ? 'udp' : 'tcp', hostIp };
  });
}

/** The edge is the service reachable from outside: it publishes ports, or says `x-bricks.edge: true`. */
export function isEdge(service: Service): boolean {
  return readPorts(service).length > 0 || service.bricks['edge'] === true;
}

export type UpdateOrder = 'start-first' | 'stop-first';

export interface UpdateConfig {
  /** Replicas updated at once; 0 = all at once (Swarm's meaning). */
  readonly parallelism: number;
  readonly delayMs: number;
  readonly order: UpdateOrder;
  readonly failureAction: 'pause' | 'continue' | 'rollback';
  readonly monitorMs: number | null;
  readonly maxFailureRatio: number | null;
}

/** `deploy.update_config`, with Compose's defaults (parallelism 1, stop-first, pause). */
export function readUpdateConfig(service: Service): UpdateConfig {
  const u = dictAt(dictAt(service.compose, 'deploy'), 'update_config');
  const order = u['order'] === 'start-first' ? 'start-first' : 'stop-first';
  const fa = u['failure_action'];
  const failureAction = fa === 'continue' || fa === 'rollback' ? fa : 'pause';
  return {
    parallelism: Math.max(0, Math.floor(numberOf(u['parallelism']) ?? 1)),
    delayMs: parseDurationMs(u['delay']) ?? 0,
    order,
    failureAction,
    monitorMs: parseDurationMs(u['monitor']),
    maxFailureRatio: numberOf(u['max_failure_ratio']),
  };
}

export interface ResourceSet {
  /** CPUs as Compose writes them (`"0.5"`), normalised to a decimal string. */
  readonly cpus: string | null;
  readonly memoryBytes: number | null;
}

export interface Resources {
  readonly limits: ResourceSet;
  readonly reservations: ResourceSet;
}

function readResourceSet(service: Service, d: Dict, path: string): ResourceSet {
  const cpusRaw = d['cpus'];
  const cpus = cpusRaw === undefined ? null : numberOf(cpusRaw);
  if (cpusRaw !== undefined && (cpus === null || cpus <= 0)) throw invalid(service.name, `${path}.cpus`, 'must be a positive number');
  const memRaw = d['memory'];
  const memoryBytes = memRaw === undefined ? null : parseBytes(memRaw);
  if (memRaw !== undefined && memoryBytes === null) throw invalid(service.name, `${path}.memory`, `${JSON.stringify(memRaw)} is not a byte size`);
  return { cpus: cpus === null ? null : String(cpus), memoryBytes };
}

export function readResources(service: Service): Resources {
  const r = dictAt(dictAt(service.compose, 'deploy'), 'resources');
  return {
    limits: readResourceSet(service, dictAt(r, 'limits'), 'deploy.resources.limits'),
    reservations: readResourceSet(service, dictAt(r, 'reservations'), 'deploy.resources.reservations'),
  };
}

export interface Autoscale {
  readonly min: number;
  readonly max: number;
  /** Target average CPU utilisation, percent of the reservation. */
  readonly cpu: number | null;
  /** Target requests per second per replica. */
  readonly rps: number | null;
}

/** `x-bricks.autoscale: {min, max, cpu, rps?}`; null when the service does not autoscale. */
export function readAutoscale(service: Service): Autoscale | null {
  const a = service.bricks['autoscale'];
  if (!isDict(a)) return null;
  const min = numberOf(a['min']) ?? service.replicas;
  const max = numberOf(a['max']);
  if (max === null || max < Math.max(min, 1)) throw invalid(service.name, 'x-bricks.autoscale.max', 'must be a number ≥ min and ≥ 1');
  return { min, max, cpu: numberOf(a['cpu']), rps: numberOf(a['rps']) };
}

export interface FileMount {
  /** The top-level `secrets:`/`configs:` entry it refers to. */
  readonly source: string;
  /** Absolute path inside the replica. */
  readonly target: string;
}

function readMounts(service: Service, key: 'secrets' | 'configs'): FileMount[] {
  const raw = service.compose[key];
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw invalid(service.name, key, 'must be a list');
  // Compose's defaults: secrets under /run/secrets/<name>, configs at /<name>.
  const base = key === 'secrets' ? '/run/secrets/' : '/';
  return raw.map((entry: unknown, i): FileMount => {
    const source = typeof entry === 'string' ? entry : isDict(entry) ? entry['source'] : undefined;
    if (typeof source !== 'string' || source === '') throw invalid(service.name, `${key}[${i}]`, 'needs a source');
    const t = isDict(entry) && typeof entry['target'] === 'string' ? entry['target'] : source;
    return { source, target: t.startsWith('/') ? t : base + t };
  });
}

export const readSecretMounts = (service: Service): FileMount[] => readMounts(service, 'secrets');
export const readConfigMounts = (service: Service): FileMount[] => readMounts(service, 'configs');

/** Where a top-level secret or config gets its value. */
export type ValueSource =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'environment'; readonly variable: string }
  | { readonly kind: 'content'; readonly content: string }
  | { readonly kind: 'external'; readonly name: string };

/** Top-level `secrets:` or `configs:`; `file:` paths resolved against the stack directory. */
export function readSources(stack: Stack, key: 'secrets' | 'configs'): Record<string, ValueSource> {
  const out: Record<string, ValueSource> = {};
  const section = dictAt(stack.compose, key);
  for (const [name, raw] of Object.entries(section)) {
    const d = isDict(raw) ? raw : {};
    if (typeof d['file'] === 'string') {
      const file = d['file'];
      out[name] = { kind: 'file', path: resolve(stack.dir, file) };
    } else if (typeof d['environment'] === 'string') {
      out[name] = { kind: 'environment', variable: d['environment'] };
    } else if (typeof d['content'] === 'string') {
      out[name] = { kind: 'content', content: d['content'] };
    } else if (d['external'] === true || isDict(d['external'])) {
      out[name] = { kind: 'external', name: typeof d['name'] === 'string' ? d['name'] : name };
    } else {
      throw new TargetError('invalid-stack', `${key}.${name}: needs file, environment, content or external`);
    }
  }
  return out;
}

/** Top-level `volumes:` by name, each definition a map (`name:` with nothing after it is `{}`). */
export function readVolumes(stack: Stack): Record<string, Dict> {
  return Object.fromEntries(Object.entries(dictAt(stack.compose, 'volumes')).map(([name, def]) => [name, isDict(def) ? def : {}]));
}

/** What image a service runs: the one bricks builds from its artifact, or a Compose `image:` as-is. */
export type ImageSource =
  | { readonly kind: 'built' }
  | { readonly kind: 'external'; readonly ref: string };

export function imageSource(service: Service): ImageSource {
  const image = service.compose['image'];
  const built = service.compose['build'] !== undefined || service.bricks['run'] !== undefined;
  return typeof image === 'string' && !built ? { kind: 'external', ref: image } : { kind: 'built' };
}

/** The service's own `networks:` (list or map form), or [] for the stack default. */
export function readNetworks(service: Service): string[] {
  const raw = service.compose['networks'];
  if (Array.isArray(raw)) return raw.filter((n): n is string => typeof n === 'string');
  if (isDict(raw)) return Object.keys(raw);
  return [];
}

/**
 * The bytes of a top-level `secrets:`/`configs:` entry: its file, an environment variable, or
 * inline content; null for an `external` one (the engine already holds it).
 */
export function readSourceValue(
  kind: 'secrets' | 'configs',
  name: string,
  src: ValueSource,
  readFile: (path: string) => Buffer = (path) => readFileSync(path),
): Buffer | null {
  switch (src.kind) {
    case 'file':
      try {
        return readFile(src.path);
      } catch (err) {
        throw new TargetError('unreadable-source', `${kind}.${name}: cannot read ${basename(src.path)}`, { cause: err });
      }
    case 'environment': {
      const v = process.env[src.variable];
      if (v === undefined) throw new TargetError('unreadable-source', `${kind}.${name}: environment variable ${src.variable} is not set`);
      return Buffer.from(v);
    }
    case 'content':
      return Buffer.from(src.content);
    case 'external':
      return null;
  }
}
