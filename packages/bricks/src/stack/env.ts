// A service's environment: its `env_file` files first (later files win), then `environment`
// (list `KEY=VAL` / `KEY`, or a map), which wins over the files, as in Compose.
import { isAbsolute, resolve } from 'node:path';
import { parseDotenv } from './dotenv.ts';
import type { Lookup } from './interpolate.ts';
import { childPath, describe, itemPath } from './node.ts';
import type { Node } from './node.ts';
import type { Reader } from './read.ts';

/** Reads a file's text; null when it does not exist. Injected so tests need no disk. */
export type ReadText = (path: string) => string | null;

export interface EnvContext {
  readonly reader: Reader;
  /** The project directory: relative env_file paths start here. */
  readonly dir: string;
  /** The interpolation environment (process env over `.env`). */
  readonly lookup: Lookup;
  readonly readText: ReadText;
}

/** Parses one env file and reports its problems in that file; null when missing or unreadable. */
export function loadEnvFile(ctx: EnvContext, file: string): Map<string, string> | null {
  let text: string | null;
  try {
    text = ctx.readText(file);
  } catch (e) {
    ctx.reader.problems.error('missing-file', undefined, '', `cannot read: ${e instanceof Error ? e.message : String(e)}`, file);
    return null;
  }
  if (text === null) return null;
  const parsed = parseDotenv(text, ctx.lookup);
  for (const p of parsed.problems) ctx.reader.problems.error(p.code, p.pos, '', p.message, file);
  for (const name of new Set(parsed.unset)) {
    ctx.reader.problems.warn('interpolation', undefined, '', `variable ${name} is not set; using an empty string`, file);
  }
  return new Map(parsed.vars);
}

export function readEnvFiles(ctx: EnvContext, node: Node, path: string): Map<string, string> {
  const r = ctx.reader;
  const out = new Map<string, string>();
  const items = node.kind === 'seq' ? node.items.map((n, i) => [n, itemPath(path, i)] as const) : [[node, path] as const];
  for (const [item, p] of items) {
    let file: string | undefined;
    let required = true;
    if (item.kind === 'map') {
      for (const e of item.entries) {
        if (e.key === 'path') file = r.string(e.value, childPath(p, 'path'));
        else if (e.key === 'required') required = r.bool(e.value, childPath(p, 'required')) ?? true;
      }
      if (file === undefined && !item.entries.some((e) => e.key === 'path')) {
        r.problems.error('type', item.pos, p, 'an env_file entry needs a "path"');
      }
    } else {
      file = r.string(item, p, 'a file path, a list of them, or a list of { path, required }');
    }
    if (file === undefined) continue;
    const abs = isAbsolute(file) ? file : resolve(ctx.dir, file);
    const vars = loadEnvFile(ctx, abs);
    if (vars === null) {
      if (required) {
        r.problems.error('missing-file', item.pos, p, `env file ${JSON.stringify(file)} not found (looked at ${abs}); set required: false if it is optional`);
      }
      continue;
    }
    for (const [k, v] of vars) out.set(k, v);
  }
  return out;
}

const ENV_EXPECTED = 'a list of "KEY=VALUE" strings or a map of KEY: value';

export function readEnvironment(ctx: EnvContext, node: Node, path: string): Map<string, string> {
  const r = ctx.reader;
  const out = new Map<string, string>();
  // A key given without a value takes it from the environment; when unset there, Compose drops it.
  const fromEnv = (key: string): void => {
    const v = ctx.lookup(key);
    if (v !== undefined) out.set(key, v);
  };
  const badKey = (key: string, at: Node['pos'], p: string): boolean => {
    if (key !== '' && !/\s/.test(key)) return false;
    r.problems.error('value', at, p, `${JSON.stringify(key)} is not a variable name`);
    return true;
  };
  if (node.kind === 'seq') {
    node.items.forEach((item, i) => {
      const p = itemPath(path, i);
      const s = r.string(item, p, 'a "KEY=VALUE" string');
      if (s === undefined) return;
      const eq = s.indexOf('=');
      const key = eq < 0 ? s : s.slice(0, eq);
      if (badKey(key, item.pos, p)) return;
      if (eq < 0) fromEnv(key);
      else out.set(key, s.slice(eq + 1));
    });
  } else if (node.kind === 'map') {
    for (const e of node.entries) {
      const p = childPath(path, e.key);
      if (badKey(e.key, e.keyPos, p)) continue;
      const v = e.value;
      if (v.kind !== 'scalar') {
        r.problems.error('type', v.pos, p, `expected a string, number or boolean, got ${describe(v)}`);
      } else if (v.value === null) {
        fromEnv(e.key);
      } else {
        out.set(e.key, String(v.value));
      }
    }
  } else if (!(node.kind === 'scalar' && node.value === null)) {
    r.problems.error('type', node.pos, path, `expected ${ENV_EXPECTED}, got ${describe(node)}`);
  }
  return out;
}
