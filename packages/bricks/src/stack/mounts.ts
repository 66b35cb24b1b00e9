// What a service mounts: `volumes:` (named volumes, bind mounts, tmpfs) and the files of
// `secrets:` and `configs:`, each entry in short or long syntax. Whether the names exist at the
// top level is checked across the stack (references.ts).
import { isAbsolute, resolve } from 'node:path';
import type { FileMount, VolumeMount } from './model.ts';
import { childPath, describe, itemPath } from './node.ts';
import type { Node, Pos } from './node.ts';
import type { Reader } from './read.ts';

const VOLUME_TYPES = ['volume', 'bind', 'tmpfs', 'cluster', 'npipe', 'image'] as const;

/** A value read from one list item, with where the item was written. */
export interface Located<T> {
  readonly value: T;
  readonly pos: Pos;
  readonly path: string;
}

/** `dir` resolves relative bind-mount sources, as Compose does against the project directory. */
export function readVolumeMounts(r: Reader, node: Node, path: string, dir: string): Located<VolumeMount>[] {
  if (node.kind !== 'seq') {
    r.problems.error('type', node.pos, path, `expected a list, got ${describe(node)}`);
    return [];
  }
  const out: Located<VolumeMount>[] = [];
  node.items.forEach((item, i) => {
    const p = itemPath(path, i);
    const m = item.kind === 'map' ? readLongVolume(r, item, p, dir) : readShortVolume(r, item, p, dir);
    if (m !== undefined) out.push({ value: m, pos: item.pos, path: p });
  });
  return out;
}

function isPath(source: string): boolean {
  return /^[./~]/.test(source);
}

function hostPath(source: string, dir: string): string {
  if (source.startsWith('~')) return source; // the engine's user's home: left for it to expand
  return isAbsolute(source) ? source : resolve(dir, source);
}

function readShortVolume(r: Reader, node: Node, path: string, dir: string): VolumeMount | undefined {
  const text = r.string(node, path, '"SOURCE:TARGET[:MODE]" or a map');
  if (text === undefined) return undefined;
  const parts = text.split(':');
  if (parts.length > 3 || parts.some((s) => s === '')) {
    r.problems.error('value', node.pos, path, `${JSON.stringify(text)}: expected "[SOURCE:]TARGET[:MODE]", e.g. "data:/var/lib/data:ro"`);
    return undefined;
  }
  if (parts.length === 1) return { type: 'volume', target: text, readOnly: false };
  const [source = '', target = '', mode = ''] = parts;
  const readOnly = mode.split(',').includes('ro');
  return isPath(source)
    ? { type: 'bind', source: hostPath(source, dir), target, readOnly }
    : { type: 'volume', source, target, readOnly };
}

function readLongVolume(r: Reader, node: Extract<Node, { kind: 'map' }>, path: string, dir: string): VolumeMount | undefined {
  let type: VolumeMount['type'] | undefined;
  let source: string | undefined;
  let target: string | undefined;
  let readOnly = false;
  for (const e of node.entries) {
    const p = childPath(path, e.key);
    if (e.key === 'type') type = r.oneOf(e.value, p, VOLUME_TYPES);
    else if (e.key === 'source') source = r.string(e.value, p, 'a volume name or a host path');
    else if (e.key === 'target') target = r.string(e.value, p, 'a path inside the replica');
    else if (e.key === 'read_only') readOnly = r.bool(e.value, p) ?? false;
  }
  // A missing `type` or `target` is the schema's to report.
  if (type === undefined || target === undefined) return undefined;
  if (source !== undefined && type === 'bind') source = hostPath(source, dir);
  return { type, target, readOnly, ...(source === undefined ? {} : { source }) };
}

/** A service's `secrets:` or `configs:`: names of top-level entries, or `{ source, target, uid, gid, mode }`. */
export function readFileMounts(r: Reader, node: Node, path: string, kind: 'secrets' | 'configs'): Located<FileMount>[] {
  if (node.kind !== 'seq') {
    r.problems.error('type', node.pos, path, `expected a list, got ${describe(node)}`);
    return [];
  }
  // Compose's defaults: secrets under /run/secrets/<name>, configs at /<name>.
  const base = kind === 'secrets' ? '/run/secrets/' : '/';
  const out: Located<FileMount>[] = [];
  node.items.forEach((item, i) => {
    const p = itemPath(path, i);
    const push = (value: FileMount): void => void out.push({ value, pos: item.pos, path: p });
    if (item.kind !== 'map') {
      const source = r.string(item, p, `the name of a top-level ${kind.slice(0, -1)}, or a map`);
      if (source !== undefined) push({ source, target: base + source });
      return;
    }
    let source: string | undefined;
    const rest: { target?: string; uid?: string; gid?: string; mode?: number } = {};
    for (const e of item.entries) {
      const fp = childPath(p, e.key);
      if (e.key === 'source') source = r.string(e.value, fp);
      else if (e.key === 'target') rest.target = r.string(e.value, fp, 'a file path');
      else if (e.key === 'uid' || e.key === 'gid') rest[e.key] = r.string(e.value, fp, 'a numeric id as a string');
      else if (e.key === 'mode') rest.mode = readMode(r, e.value, fp);
    }
    if (source === undefined) {
      if (!item.entries.some((e) => e.key === 'source')) r.problems.error('value', item.pos, p, `a ${kind.slice(0, -1)} entry needs a "source"`);
      return;
    }
    const target = rest.target === undefined ? source : rest.target;
    push({
      source,
      target: target.startsWith('/') ? target : base + target,
      ...(rest.uid === undefined ? {} : { uid: rest.uid }),
      ...(rest.gid === undefined ? {} : { gid: rest.gid }),
      ...(rest.mode === undefined ? {} : { mode: rest.mode }),
    });
  });
  return out;
}

/** A file mode: YAML's 0o440 / 288, or an octal string "0440" as Compose writes it. */
function readMode(r: Reader, node: Node, path: string): number | undefined {
  if (node.kind === 'scalar' && typeof node.value === 'string' && /^0?[0-7]{3,4}$/.test(node.value.trim())) return parseInt(node.value.trim(), 8);
  return r.int(node, path, 0, 0o7777);
}
