// Files that change how sources are bundled without being sources: the nearest package.json
// (`exports`, `type`) and tsconfig.json (`paths`, decorators, class fields; with its relative
// `extends`) of every source. They count as inputs, so editing them changes the digest.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';

/** Paths relative to rootDir, for sources given relative to rootDir. Never looks above rootDir. */
export function configInputs(rootDir: string, sources: Iterable<string>): string[] {
  const found = new Set<string>();
  const memo = new Map<string, string | undefined>();
  for (const source of sources) {
    const pkg = nearest(rootDir, source, 'package.json', memo);
    if (pkg !== undefined) found.add(pkg);
    const tsconfig = nearest(rootDir, source, 'tsconfig.json', memo);
    if (tsconfig !== undefined) for (const p of withExtends(rootDir, tsconfig)) found.add(p);
  }
  return [...found];
}

function nearest(rootDir: string, path: string, file: string, memo: Map<string, string | undefined>): string | undefined {
  let dir = dirname(path);
  const visited: string[] = [];
  let found: string | undefined;
  for (;;) {
    const key = `${file}\0${dir}`;
    if (memo.has(key)) {
      found = memo.get(key);
      break;
    }
    visited.push(key);
    const candidate = dir === '.' ? file : `${dir}/${file}`;
    if (existsSync(join(rootDir, candidate))) {
      found = candidate;
      break;
    }
    if (dir === '.' || dir.startsWith('..')) break;
    dir = dirname(dir);
  }
  for (const key of visited) memo.set(key, found);
  return found;
}

/** A tsconfig and the local files it extends (package-name `extends` come from the lockfile). */
function withExtends(rootDir: string, tsconfig: string, depth = 0): string[] {
  // tsc itself stops circular chains; a small bound does the same here.
  if (depth > 8) return [tsconfig];
  let parsed: unknown;
  try {
    // tsconfig allows comments and trailing commas; a file JSON cannot read still counts by itself.
    parsed = JSON.parse(readFileSync(join(rootDir, tsconfig), 'utf8'));
  } catch {
    return [tsconfig];
  }
  const ext = (parsed as { extends?: unknown }).extends;
  const list = typeof ext === 'string' ? [ext] : Array.isArray(ext) ? ext.filter((e): e is string => typeof e === 'string') : [];
  const out = [tsconfig];
  for (const e of list) {
    if (!e.startsWith('.')) continue;
    const target = normalize(join(dirname(tsconfig), e.endsWith('.json') ? e : `${e}.json`)).split('\\').join('/');
    if (existsSync(join(rootDir, target))) out.push(...withExtends(rootDir, target, depth + 1));
  }
  return out;
}
