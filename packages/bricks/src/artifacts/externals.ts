// Packages esbuild cannot fold into one file: native addons (`.node`, binding.gyp) and packages
// that read data files next to their JS at run time (`.wasm`, `.data`, e.g. @electric-sql/pglite).
// They stay `import`s in the bundle and are copied whole into the artifact's node_modules/.
import { cpSync, existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import type { Plugin } from 'esbuild';
import type { Lockfile, LockEntry } from './lockfile.ts';
import { layOutPackages } from './package-layout.ts';
import type { Required } from './package-layout.ts';

const UNBUNDLEABLE_FILE = /\.(?:node|wasm|data)$/;

/** Package dir → whether it must stay external; a package's files do not change while it keeps its version. */
const verdicts = new Map<string, { version: string; external: boolean }>();

/** The package name of a bare specifier (`@s/x/sub` → `@s/x`), or null for relative paths and builtins. */
export function packageNameOf(specifier: string): string | null {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return null;
  const parts = specifier.split('/');
  if (specifier.startsWith('@')) return parts.length >= 2 ? `${parts[0]}/${parts[1]}` : null;
  return parts[0] ?? null;
}

/** Where node finds `name` from `fromDir`, walking up node_modules folders. */
function findPackageDir(fromDir: string, name: string): string | null {
  let dir = fromDir;
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

export function mustStayExternal(packageDir: string): boolean {
  let version = '';
  try {
    version = String(statSync(join(packageDir, 'package.json')).mtimeMs);
  } catch {
    return false;
  }
  const known = verdicts.get(packageDir);
  if (known && known.version === version) return known.external;
  const external = existsSync(join(packageDir, 'binding.gyp')) || containsUnbundleable(packageDir);
  verdicts.set(packageDir, { version, external });
  return external;
}

function containsUnbundleable(dir: string): boolean {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules') continue;
      if (containsUnbundleable(join(dir, entry.name))) return true;
    } else if (UNBUNDLEABLE_FILE.test(entry.name)) {
      return true;
    }
  }
  return false;
}

/**
 * Marks unbundleable packages (and those named in `forced`, from `x-bricks.external`) external,
 * and collects their install dirs into `found`.
 */
export function externalsPlugin(forced: ReadonlySet<string>, found: Set<string>): Plugin {
  return {
    name: 'bricks-externals',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        const name = packageNameOf(args.path);
        if (name === null) return undefined;
        const dir = args.resolveDir ? findPackageDir(args.resolveDir, name) : null;
        if (dir === null) return forced.has(name) ? { path: args.path, external: true } : undefined;
        // Workspace packages are links to our own sources: always bundled, never copied.
        if (!realpathSync(dir).includes(`${sep}node_modules${sep}`)) return undefined;
        if (!forced.has(name) && !mustStayExternal(dir)) return undefined;
        found.add(dir);
        return { path: args.path, external: true };
      });
    },
  };
}

export interface ExternalPackages {
  /** The external packages plus every package they depend on. */
  readonly entries: readonly LockEntry[];
  /** Where each goes in the artifact (see package-layout.ts). */
  readonly layout: ReadonlyMap<string, LockEntry>;
}

/** The external packages found in `dirs`, with their dependencies, as lockfile entries. */
export function externalClosure(lockfile: Lockfile, rootDir: string, dirs: Iterable<string>): ExternalPackages {
  const roots: Required[] = [];
  for (const dir of dirs) {
    const key = relative(rootDir, dir).split(sep).join('/');
    const entry = lockfile.get(key);
    // By the folder it was found in: the name the bundle imports it by.
    if (entry) roots.push({ name: key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length), entry });
  }
  const dependenciesOf = (entry: LockEntry): Required[] =>
    entry.dependencies.flatMap((name) => {
      const found = lockfile.resolveDependency(entry.key, name);
      return found === undefined ? [] : [{ name, entry: found }];
    });
  const out = new Map<string, LockEntry>();
  const queue = roots.map((r) => r.entry);
  for (let next = queue.shift(); next; next = queue.shift()) {
    if (out.has(next.key)) continue;
    out.set(next.key, next);
    for (const dep of dependenciesOf(next)) if (!out.has(dep.entry.key)) queue.push(dep.entry);
  }
  return { entries: [...out.values()], layout: layOutPackages(roots, dependenciesOf) };
}

/**
 * Copies each package to its place in `<artifactDir>/node_modules`, leaving out the nested
 * node_modules it has in the workspace: what it needs from there has a place of its own.
 */
export function copyPackages(rootDir: string, artifactDir: string, layout: ReadonlyMap<string, LockEntry>): void {
  for (const [at, entry] of layout) {
    const from = join(rootDir, entry.key);
    const to = join(artifactDir, at);
    if (existsSync(to)) continue;
    cpSync(from, to, {
      recursive: true,
      dereference: true,
      filter: (src) => !relative(from, src).split(sep).includes('node_modules'),
    });
  }
}
