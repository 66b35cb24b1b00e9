// The stack's top-level sections besides `services`: `volumes`, `networks`, `secrets` and
// `configs`, each a map of name to definition (`name:` with nothing after it is `{}`).
import { isAbsolute, resolve } from 'node:path';
import type { NetworkSpec, ValueSource, VolumeSpec } from './model.ts';
import { childPath } from './node.ts';
import type { MapNode, Node } from './node.ts';
import type { Reader } from './read.ts';

function definitions(r: Reader, node: Node, path: string): { name: string; map: MapNode | null; path: string; pos: Node['pos'] }[] {
  if (node.kind === 'scalar' && node.value === null) return [];
  const section = r.map(node, path);
  if (section === undefined) return [];
  const out = [];
  for (const e of section.entries) {
    const p = childPath(path, e.key);
    if (e.value.kind === 'scalar' && e.value.value === null) out.push({ name: e.key, map: null, path: p, pos: e.keyPos });
    else {
      const map = r.map(e.value, p);
      if (map !== undefined) out.push({ name: e.key, map, path: p, pos: e.keyPos });
    }
  }
  return out;
}

/** `external: true`, or the legacy `external: { name }` (whose name becomes the object's). */
function readExternal(r: Reader, node: Node, path: string): { external: boolean; name?: string } {
  if (node.kind === 'map') {
    const n = node.entries.find((e) => e.key === 'name');
    const name = n === undefined ? undefined : r.string(n.value, childPath(path, 'name'));
    return name === undefined ? { external: true } : { external: true, name };
  }
  return { external: r.bool(node, path) ?? false };
}

interface Common {
  name?: string;
  external: boolean;
  driver?: string;
  driverOpts?: Record<string, string>;
  labels?: Record<string, string>;
}

function readCommon(r: Reader, map: MapNode | null, path: string, extra?: (key: string, value: Node, p: string) => void): Common {
  const out: Common = { external: false };
  for (const e of map?.entries ?? []) {
    const p = childPath(path, e.key);
    switch (e.key) {
      case 'name':
        out.name = r.string(e.value, p, 'a name');
        break;
      case 'external': {
        const x = readExternal(r, e.value, p);
        out.external = x.external;
        if (x.name !== undefined) out.name ??= x.name;
        break;
      }
      case 'driver':
        out.driver = r.string(e.value, p, 'a driver name');
        break;
      case 'driver_opts':
        out.driverOpts = r.stringMap(e.value, p);
        break;
      case 'labels':
        out.labels = r.stringMap(e.value, p);
        break;
      default:
        extra?.(e.key, e.value, p);
    }
  }
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined)) as unknown as Common;
}

export function readVolumes(r: Reader, node: Node, path: string): Record<string, VolumeSpec> {
  const out: Record<string, VolumeSpec> = {};
  for (const d of definitions(r, node, path)) out[d.name] = readCommon(r, d.map, d.path);
  return out;
}

export function readNetworks(r: Reader, node: Node, path: string): Record<string, NetworkSpec> {
  const out: Record<string, NetworkSpec> = {};
  for (const d of definitions(r, node, path)) {
    const flags: { attachable?: boolean; internal?: boolean } = {};
    const common = readCommon(r, d.map, d.path, (key, value, p) => {
      if (key === 'attachable' || key === 'internal') {
        const b = r.bool(value, p);
        if (b !== undefined) flags[key] = b;
      }
    });
    out[d.name] = { ...common, ...flags };
  }
  return out;
}

/**
 * Top-level `secrets:` or `configs:`: where each one's value comes from. `file:` paths are
 * resolved against the stack directory; exactly one source is needed.
 */
export function readValueSources(r: Reader, node: Node, path: string, dir: string, kind: 'secrets' | 'configs'): Record<string, ValueSource> {
  const out: Record<string, ValueSource> = {};
  for (const d of definitions(r, node, path)) {
    const found: ValueSource[] = [];
    let name: string | undefined;
    let external = false;
    for (const e of d.map?.entries ?? []) {
      const p = childPath(d.path, e.key);
      if (e.key === 'file') {
        const f = r.string(e.value, p, 'a file path');
        if (f !== undefined) found.push({ kind: 'file', path: isAbsolute(f) ? f : resolve(dir, f) });
      } else if (e.key === 'environment') {
        const v = r.string(e.value, p, 'an environment variable name');
        if (v !== undefined) found.push({ kind: 'environment', variable: v });
      } else if (e.key === 'content') {
        const c = r.string(e.value, p, 'the content as a string');
        if (c !== undefined) found.push({ kind: 'content', content: c });
      } else if (e.key === 'external') {
        external = readExternal(r, e.value, p).external;
        const legacy = e.value.kind === 'map' ? readExternal(r, e.value, p).name : undefined;
        if (legacy !== undefined) name ??= legacy;
      } else if (e.key === 'name') {
        name = r.string(e.value, p, 'a name');
      }
    }
    if (external) found.push({ kind: 'external', name: name ?? d.name });
    const one = kind === 'secrets' ? 'a secret' : 'a config';
    if (found.length === 1) out[d.name] = found[0]!;
    else if (found.length === 0) r.problems.error('value', d.pos, d.path, `${one} needs its value from file, environment, ${kind === 'configs' ? 'content ' : ''}or external: true`);
    else r.problems.error('value', d.pos, d.path, `${one} takes its value from one place; it names ${found.map((f) => f.kind).join(' and ')}`);
  }
  return out;
}
