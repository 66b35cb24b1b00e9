// Reads npm's package-lock.json (lockfileVersion 2/3, keyed by install path) so the digest can
// name every npm package a bundle reached by name, version and integrity instead of hashing
// its files, and so external packages can be copied together with their dependencies.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BuildError } from './errors.ts';

export interface LockEntry {
  /** Install path relative to the root, e.g. `node_modules/@scope/name`. */
  readonly key: string;
  readonly name: string;
  readonly version: string;
  readonly integrity: string | undefined;
  /** Runtime dependencies (dependencies + optionalDependencies + peerDependencies), by name. */
  readonly dependencies: readonly string[];
}

interface RawEntry {
  name?: string;
  version?: string;
  integrity?: string;
  link?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

export class Lockfile {
  private constructor(
    readonly path: string,
    private readonly packages: ReadonlyMap<string, RawEntry>,
  ) {}

  /** Parsed lockfiles are kept per path while their size and mtime stay the same (the dev loop builds often). */
  private static readonly memo = new Map<string, { size: number; mtimeMs: number; lockfile: Lockfile }>();

  static read(rootDir: string): Lockfile {
    const path = join(rootDir, 'package-lock.json');
    let size: number;
    let mtimeMs: number;
    try {
      ({ size, mtimeMs } = statSync(path));
    } catch (err) {
      throw new BuildError('lockfile-invalid', `no package-lock.json in ${rootDir}`, { cause: err });
    }
    const known = Lockfile.memo.get(path);
    if (known && known.size === size && known.mtimeMs === mtimeMs) return known.lockfile;
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (err) {
      throw new BuildError('lockfile-invalid', `${path} is not valid JSON`, { cause: err });
    }
    const packages = (raw as { packages?: unknown }).packages;
    if (packages === null || typeof packages !== 'object') {
      throw new BuildError('lockfile-invalid', `${path} has no "packages" map; bricks needs lockfileVersion 2 or 3 (npm 7+)`);
    }
    const lockfile = new Lockfile(path, new Map(Object.entries(packages as Record<string, RawEntry>)));
    Lockfile.memo.set(path, { size, mtimeMs, lockfile });
    return lockfile;
  }

  get(key: string): LockEntry | undefined {
    const raw = this.packages.get(key);
    if (raw === undefined || raw.link === true) return undefined;
    return {
      key,
      name: raw.name ?? nameFromKey(key),
      version: raw.version ?? '',
      integrity: raw.integrity,
      dependencies: [
        ...Object.keys(raw.dependencies ?? {}),
        ...Object.keys(raw.optionalDependencies ?? {}),
        ...Object.keys(raw.peerDependencies ?? {}),
      ],
    };
  }

  /** The installed package a file (relative to the root) belongs to, if it is under node_modules. */
  packageOf(relPath: string): LockEntry | undefined {
    const key = packageKeyOf(relPath);
    return key === undefined ? undefined : this.get(key);
  }

  /** Where node would find `name` when required from the package installed at `fromKey`. */
  resolveDependency(fromKey: string, name: string): LockEntry | undefined {
    let base = fromKey;
    for (;;) {
      const found = this.get(`${base}/node_modules/${name}`);
      if (found) return found;
      const cut = base.lastIndexOf('/node_modules/');
      if (cut < 0) break;
      base = base.slice(0, cut);
    }
    // Hoisted to the root, or `base` is a workspace folder whose deps live at the root.
    return this.get(`node_modules/${name}`);
  }
}

/** `a/node_modules/@s/x/lib/y.js` → `a/node_modules/@s/x`; undefined outside node_modules. */
export function packageKeyOf(relPath: string): string | undefined {
  const parts = relPath.split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at < 0 || at + 1 >= parts.length) return undefined;
  const scoped = parts[at + 1]?.startsWith('@') === true;
  const end = at + (scoped ? 3 : 2);
  if (end > parts.length) return undefined;
  return parts.slice(0, end).join('/');
}

function nameFromKey(key: string): string {
  return key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
}
