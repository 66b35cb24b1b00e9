// Typed readers over the located tree. Each one either returns the value or records a problem
// at the offending node (saying what was expected and what was found) and returns undefined,
// so a whole file is checked in one pass.
import { readDuration } from '@bricks/sdk/duration';
import { childPath, describe, itemPath } from './node.ts';
import type { MapNode, Node } from './node.ts';
import type { Problems } from './problems.ts';
import { nearest } from './suggest.ts';

export class Reader {
  constructor(readonly problems: Problems) {}

  private wrong(node: Node, path: string, expected: string): undefined {
    this.problems.error('type', node.pos, path, `expected ${expected}, got ${describe(node)}`);
    return undefined;
  }

  map(node: Node, path: string, expected = 'a map'): MapNode | undefined {
    return node.kind === 'map' ? node : this.wrong(node, path, expected);
  }

  /**
   * Reports keys outside `known`, naming the nearest known key when the unknown one looks like
   * a typo. In Compose sections any `x-*` key is an extension; inside `x-bricks` (`bricks: true`)
   * nothing else is allowed and the message lists the known keys.
   */
  keys(map: MapNode, path: string, known: readonly string[], where: string, bricks = false): void {
    for (const e of map.entries) {
      if (known.includes(e.key) || (!bricks && e.key.startsWith('x-'))) continue;
      const guess = nearest(e.key, known);
      const hint = guess ? `; did you mean "${guess}"?` : '';
      const list = bricks ? `; known keys are ${known.join(', ')}` : '';
      this.problems.error('unknown-key', e.keyPos, childPath(path, e.key), `unknown key "${e.key}" in ${where}${hint}${list}`);
    }
  }

  string(node: Node, path: string, expected = 'a string'): string | undefined {
    return node.kind === 'scalar' && typeof node.value === 'string' ? node.value : this.wrong(node, path, expected);
  }

  /**
   * A whole number in [min, max]. A string is accepted only when it came from interpolation
   * (`replicas: ${N}`), because Compose casts interpolated values to the field's type.
   */
  int(node: Node, path: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
    const range = max === Number.MAX_SAFE_INTEGER ? `a whole number from ${min} up` : `a whole number from ${min} to ${max}`;
    if (node.kind !== 'scalar') return this.wrong(node, path, range);
    let v = node.value;
    if (typeof v === 'string' && node.interpolated && /^[+-]?\d+$/.test(v.trim())) v = Number(v.trim());
    if (typeof v !== 'number' || !Number.isInteger(v)) return this.wrong(node, path, range);
    if (v < min || v > max) {
      this.problems.error('value', node.pos, path, `expected ${range}, got ${v}`);
      return undefined;
    }
    return v;
  }

  /** A number in [min, max] (fractions allowed); an interpolated string is read as one. */
  number(node: Node, path: string, min: number, max = Number.MAX_VALUE): number | undefined {
    const range = max === Number.MAX_VALUE ? `a number from ${min} up` : `a number from ${min} to ${max}`;
    if (node.kind !== 'scalar') return this.wrong(node, path, range);
    let v = node.value;
    // Compose writes some numbers as strings (`cpus: '0.5'`).
    if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) v = Number(v);
    if (typeof v !== 'number' || !Number.isFinite(v)) return this.wrong(node, path, range);
    if (v < min || v > max) {
      this.problems.error('value', node.pos, path, `expected ${range}, got ${v}`);
      return undefined;
    }
    return v;
  }

  /** A Compose byte size (`512m`, `1g`, a number of bytes), in bytes; Docker's units are binary. */
  bytes(node: Node, path: string): number | undefined {
    if (node.kind === 'scalar' && (typeof node.value === 'string' || typeof node.value === 'number')) {
      const b = parseBytes(node.value);
      if (b !== undefined) return b;
    }
    return this.wrong(node, path, 'a byte size such as "512m" or "1g"');
  }

  /** Compose's list_or_dict: `["KEY=value"]` or `{ KEY: value }`, values as strings. */
  stringMap(node: Node, path: string): Record<string, string> | undefined {
    const out: Record<string, string> = {};
    if (node.kind === 'seq') {
      node.items.forEach((item, i) => {
        const s = this.string(item, itemPath(path, i), 'a "KEY=value" string');
        if (s === undefined) return;
        const eq = s.indexOf('=');
        out[eq < 0 ? s : s.slice(0, eq)] = eq < 0 ? '' : s.slice(eq + 1);
      });
      return out;
    }
    const map = this.map(node, path, 'a map or a list of "KEY=value" strings');
    if (map === undefined) return undefined;
    for (const e of map.entries) {
      const v = e.value;
      if (v.kind === 'scalar' && v.value !== null) out[e.key] = String(v.value);
      else if (v.kind === 'scalar') out[e.key] = '';
      else this.wrong(v, childPath(path, e.key), 'a string, number or boolean');
    }
    return out;
  }

  bool(node: Node, path: string): boolean | undefined {
    if (node.kind === 'scalar') {
      if (typeof node.value === 'boolean') return node.value;
      if (node.interpolated && typeof node.value === 'string') {
        const v = node.value.trim().toLowerCase();
        if (v === 'true' || v === 'false') return v === 'true';
      }
    }
    return this.wrong(node, path, 'true or false');
  }

  /** Milliseconds. */
  duration(node: Node, path: string): number | undefined {
    if (node.kind !== 'scalar' || (typeof node.value !== 'string' && typeof node.value !== 'number')) {
      return this.wrong(node, path, 'a duration string such as "10s"');
    }
    const d = readDuration(node.value);
    if (d.ok) return d.ms;
    this.problems.error('value', node.pos, path, d.message);
    return undefined;
  }

  oneOf<T extends string>(node: Node, path: string, allowed: readonly T[]): T | undefined {
    const expected = `one of ${allowed.join(', ')}`;
    const v = this.string(node, path, expected);
    if (v === undefined) return undefined;
    if ((allowed as readonly string[]).includes(v)) return v as T;
    this.problems.error('value', node.pos, path, `expected ${expected}, got ${JSON.stringify(v)}`);
    return undefined;
  }

  /** A list of strings; numbers are not quietly turned into strings, as Compose does not either. */
  strings(node: Node, path: string): string[] | undefined {
    if (node.kind !== 'seq') return this.wrong(node, path, 'a list of strings');
    const out: string[] = [];
    let ok = true;
    node.items.forEach((item, i) => {
      const s = this.string(item, itemPath(path, i));
      if (s === undefined) ok = false;
      else out.push(s);
    });
    return ok ? out : undefined;
  }
}

// docker/go-units RAMInBytes: binary units, case-insensitive, an optional trailing "b".
const BYTE_UNITS: Readonly<Record<string, number>> = { '': 1, b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, t: 1024 ** 4, tb: 1024 ** 4 };

export function parseBytes(v: string | number): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 ? v : undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(v);
  const unit = m ? BYTE_UNITS[(m[2] ?? '').toLowerCase()] : undefined;
  return m && unit !== undefined ? Math.round(Number(m[1]) * unit) : undefined;
}
