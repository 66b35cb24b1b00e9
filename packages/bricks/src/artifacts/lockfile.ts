// The installed npm packages a build reaches, named by the workspace's lockfile: the digest
// names each by name, version and integrity instead of hashing its files, and external packages
// are copied with their dependencies. npm, pnpm and yarn each have a reader in lockfile/; the
// lockfile at the workspace root says which one applies.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BuildError } from './errors.ts';
import { readNpmLockfile } from './lockfile/npm.ts';
import { readPnpmLockfile } from './lockfile/pnpm.ts';
import { readYarnLockfile } from './lockfile/yarn.ts';

export { packageKeyOf } from './lockfile/package-key.ts';

export interface LockEntry {
  /** Where the package's files are, relative to the root: `node_modules/@scope/name`, or pnpm's `node_modules/.pnpm/…/node_modules/name`. */
  readonly key: string;
  readonly name: string;
  readonly version: string;
  /** What the lockfile pins its contents with (npm's and pnpm's `integrity`, yarn's `checksum`). */
  readonly integrity: string | undefined;
  /** Runtime dependencies (dependencies + optionalDependencies + peerDependencies), by name. */
  readonly dependencies: readonly string[];
}

/** Installed packages by where they are; workspace packages are sources, never entries. */
export interface Lockfile {
  /** The lockfile read. */
  readonly path: string;
  get(key: string): LockEntry | undefined;
  /** The installed package a file (relative to the root) belongs to, if it is under node_modules. */
  packageOf(relPath: string): LockEntry | undefined;
  /** What node finds for `name` required from the package (or workspace folder) at `fromKey`. */
  resolveDependency(fromKey: string, name: string): LockEntry | undefined;
}

export type PackageManager = 'npm' | 'pnpm' | 'yarn';

/** Each lockfile name and who writes it; npm prefers a shrinkwrap to its lockfile, as npm does. */
const LOCKFILES: readonly { readonly file: string; readonly manager: PackageManager }[] = [
  { file: 'npm-shrinkwrap.json', manager: 'npm' },
  { file: 'package-lock.json', manager: 'npm' },
  { file: 'pnpm-lock.yaml', manager: 'pnpm' },
  { file: 'yarn.lock', manager: 'yarn' },
];
/** pnpm's workspace file marks the root before the first install has written a lockfile. */
const ROOT_MARKERS = [...LOCKFILES.map((l) => l.file), 'pnpm-workspace.yaml'];

/** The nearest folder at or above `dir` with a lockfile or pnpm-workspace.yaml (the workspace root), else `dir`. */
export function workspaceRoot(dir: string): string {
  for (let d = dir; ; d = dirname(d)) {
    if (ROOT_MARKERS.some((f) => existsSync(join(d, f)))) return d;
    if (dirname(d) === d) return dir;
  }
}

/**
 * The lockfile at `rootDir` and who wrote it; null when there is none. With lockfiles of two
 * package managers, package.json's `packageManager` decides, else it is an error: digests from
 * the wrong one would name versions that are not installed.
 */
export function findLockfile(rootDir: string): { readonly path: string; readonly manager: PackageManager } | null {
  const present = LOCKFILES.filter((l) => existsSync(join(rootDir, l.file)));
  const managers = [...new Set(present.map((l) => l.manager))];
  const first = present[0];
  if (first === undefined) return null;
  if (managers.length === 1) return { path: join(rootDir, first.file), manager: first.manager };
  const declared = declaredManager(rootDir);
  const chosen = present.find((l) => l.manager === declared);
  if (chosen !== undefined) return { path: join(rootDir, chosen.file), manager: chosen.manager };
  throw new BuildError(
    'lockfile-invalid',
    `${rootDir} has lockfiles of ${managers.join(' and ')} (${present.map((l) => l.file).join(', ')}): delete the one your package manager does not write, or name it in package.json's "packageManager" (e.g. "pnpm@9.15.0")`,
  );
}

/** Who installs the workspace at `rootDir`: its lockfile's writer, else pnpm's workspace file or package.json's `packageManager`, else npm. */
export function packageManagerOf(rootDir: string): PackageManager {
  try {
    const found = findLockfile(rootDir);
    if (found !== null) return found.manager;
  } catch {
    // Lockfiles of two managers and none declared: the build says so; here any answer will do.
  }
  if (existsSync(join(rootDir, 'pnpm-workspace.yaml'))) return 'pnpm';
  const declared = declaredManager(rootDir);
  return declared === 'pnpm' || declared === 'yarn' ? declared : 'npm';
}

function declaredManager(rootDir: string): string | undefined {
  try {
    const field = (JSON.parse(readFileSync(join(rootDir, 'package.json'), 'utf8')) as { packageManager?: unknown }).packageManager;
    return typeof field === 'string' ? field.split('@')[0] : undefined;
  } catch {
    return undefined;
  }
}

/** Parsed lockfiles are kept per path while their size and mtime stay the same (the dev loop builds often). */
const memo = new Map<string, { size: number; mtimeMs: number; lockfile: Lockfile }>();

export function readLockfile(rootDir: string): Lockfile {
  const found = findLockfile(rootDir);
  if (found === null) {
    throw new BuildError('lockfile-invalid', `no lockfile in ${rootDir} (looked for ${LOCKFILES.map((l) => l.file).join(', ')}): install the workspace's dependencies with npm, pnpm or yarn first`);
  }
  const { size, mtimeMs } = statSync(found.path);
  const known = memo.get(found.path);
  if (known && known.size === size && known.mtimeMs === mtimeMs) return known.lockfile;
  let text: string;
  try {
    text = readFileSync(found.path, 'utf8');
  } catch (err) {
    throw new BuildError('lockfile-invalid', `${found.path} cannot be read: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const lockfile = read(found.manager, rootDir, found.path, text);
  memo.set(found.path, { size, mtimeMs, lockfile });
  return lockfile;
}

function read(manager: PackageManager, rootDir: string, path: string, text: string): Lockfile {
  switch (manager) {
    case 'npm':
      return readNpmLockfile(path, text);
    case 'pnpm':
      return readPnpmLockfile(rootDir, path, text);
    case 'yarn':
      return readYarnLockfile(rootDir, path, text);
  }
}

/** The size and mtime of the workspace's lockfile, or null (none, or more than one). */
export function statLockfile(rootDir: string): { size: number; mtimeMs: number } | null {
  try {
    const found = findLockfile(rootDir);
    if (found === null) return null;
    const { size, mtimeMs } = statSync(found.path);
    return { size, mtimeMs };
  } catch {
    return null;
  }
}
