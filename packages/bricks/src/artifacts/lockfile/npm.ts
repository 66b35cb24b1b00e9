// npm's package-lock.json (lockfileVersion 2 and 3, npm 7+): it is keyed by install path, so
// every question is answered from the lockfile alone, without reading node_modules.
import { BuildError } from '../errors.ts';
import type { LockEntry, Lockfile } from '../lockfile.ts';
import { packageKeyOf } from './package-key.ts';

interface RawEntry {
  name?: string;
  version?: string;
  integrity?: string;
  link?: boolean;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

export function readNpmLockfile(path: string, text: string): Lockfile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new BuildError('lockfile-invalid', `${path} is not valid JSON (${err instanceof Error ? err.message : String(err)}): run npm install to write it again`, { cause: err });
  }
  const packages = (raw as { packages?: unknown } | null)?.packages;
  if (packages === null || typeof packages !== 'object') {
    const version = (raw as { lockfileVersion?: unknown } | null)?.lockfileVersion;
    throw new BuildError('lockfile-invalid', `${path} (lockfileVersion ${JSON.stringify(version)}) has no "packages" map; bricks reads lockfileVersion 2 or 3: run npm install with npm 7 or later`);
  }
  return new NpmLockfile(path, new Map(Object.entries(packages as Record<string, RawEntry>)));
}

class NpmLockfile implements Lockfile {
  constructor(
    readonly path: string,
    private readonly packages: ReadonlyMap<string, RawEntry>,
  ) {}

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

  packageOf(relPath: string): LockEntry | undefined {
    const key = packageKeyOf(relPath);
    return key === undefined ? undefined : this.get(key);
  }

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

function nameFromKey(key: string): string {
  return key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
}
