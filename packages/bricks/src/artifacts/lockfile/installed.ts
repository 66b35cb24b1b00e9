// The packages as pnpm and yarn install them, read from node_modules itself: their lockfiles
// record versions by name, not where each copy went (pnpm links one store folder into many
// places, yarn hoists as it likes), so the folder on disk says which package and version it
// holds, node's own lookup says which copy a package reaches, and the lockfile pins its contents.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { LockEntry, Lockfile } from '../lockfile.ts';
import { packageKeyOf } from './package-key.ts';

/** What a pnpm or yarn lockfile says about one package version. */
export interface LockIndex {
  /** The pinned integrity (or checksum) of `name@version`; undefined when the lockfile has none for it (a git or tarball dependency). */
  integrity(name: string, version: string): string | undefined;
}

interface Manifest {
  name?: unknown;
  version?: unknown;
  dependencies?: unknown;
  optionalDependencies?: unknown;
  peerDependencies?: unknown;
}

export class InstalledPackages implements Lockfile {
  /**
   * Entries by the key asked for. The object lives as long as the lockfile is unchanged (see
   * readLockfile), and an install that moves packages rewrites the lockfile.
   */
  private readonly entries = new Map<string, LockEntry | null>();

  constructor(
    readonly path: string,
    private readonly rootDir: string,
    private readonly index: LockIndex,
  ) {}

  get(key: string): LockEntry | undefined {
    const known = this.entries.get(key);
    if (known !== undefined) return known ?? undefined;
    const entry = this.read(key);
    this.entries.set(key, entry);
    return entry ?? undefined;
  }

  packageOf(relPath: string): LockEntry | undefined {
    const key = packageKeyOf(relPath);
    return key === undefined ? undefined : this.get(key);
  }

  resolveDependency(fromKey: string, name: string): LockEntry | undefined {
    // node's lookup: <dir>/node_modules/<name> from the package's own folder up to the root,
    // never inside a folder that is itself named node_modules.
    const parts = fromKey === '' ? [] : fromKey.split('/');
    for (let n = parts.length; n >= 0; n--) {
      if (parts[n - 1] === 'node_modules') continue;
      const candidate = [...parts.slice(0, n), 'node_modules', name].join('/');
      if (existsSync(join(this.rootDir, candidate, 'package.json'))) return this.get(candidate);
    }
    return undefined;
  }

  private read(key: string): LockEntry | null {
    let real: string;
    try {
      real = realpathSync(join(this.rootDir, key));
    } catch {
      return null;
    }
    const rel = relative(this.rootDir, real).split(sep).join('/');
    // A link to a workspace package: its files are sources, hashed as such.
    if (rel.startsWith('../') || !rel.split('/').includes('node_modules')) return null;
    if (rel !== key) return this.get(rel) ?? null;
    let manifest: Manifest;
    try {
      manifest = JSON.parse(readFileSync(join(real, 'package.json'), 'utf8')) as Manifest;
    } catch {
      return null;
    }
    const name = typeof manifest.name === 'string' ? manifest.name : rel.slice(rel.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const version = typeof manifest.version === 'string' ? manifest.version : '';
    return {
      key: rel,
      name,
      version,
      integrity: this.index.integrity(name, version),
      dependencies: [...new Set([manifest.dependencies, manifest.optionalDependencies, manifest.peerDependencies].flatMap(namesOf))],
    };
  }
}

function namesOf(deps: unknown): string[] {
  return deps !== null && typeof deps === 'object' ? Object.keys(deps) : [];
}
