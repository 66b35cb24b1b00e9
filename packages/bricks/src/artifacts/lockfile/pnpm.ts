// pnpm's pnpm-lock.yaml, lockfileVersion 6.0 (pnpm 8) to 9.0 (pnpm 9 and later): every
// package version's integrity, from `packages` (keys `/name@1.0.0(peer@2.0.0)` in 6.0,
// `name@1.0.0` in 9.0, where the peer variants moved to `snapshots`).
import { BuildError } from '../errors.ts';
import type { Lockfile } from '../lockfile.ts';
import { InstalledPackages } from './installed.ts';
import { parseLockfileYaml } from './parse-yaml.ts';
import type { LockIndex } from './installed.ts';

/** The formats whose `packages` map is read as above; 5.x keyed versions as `/name/1.0.0`. */
const FIRST_MAJOR = 6;
const LAST_MAJOR = 9;

export function readPnpmLockfile(rootDir: string, path: string, text: string): Lockfile {
  return new InstalledPackages(path, rootDir, pnpmIndex(path, text));
}

export function pnpmIndex(path: string, text: string): LockIndex {
  const doc = parseLockfileYaml(path, text, 'pnpm install');
  const lock = (doc ?? {}) as { lockfileVersion?: unknown; packages?: unknown };
  const major = Number.parseInt(String(lock.lockfileVersion), 10);
  if (!(major >= FIRST_MAJOR && major <= LAST_MAJOR)) {
    throw new BuildError(
      'lockfile-invalid',
      `${path} has lockfileVersion ${JSON.stringify(lock.lockfileVersion)}; bricks reads pnpm lockfiles 6.0 to 9.0` +
        (major > LAST_MAJOR ? ', and this one is newer than bricks knows' : ': run pnpm install with pnpm 8 or later to write one'),
    );
  }
  const packages = lock.packages ?? {};
  if (typeof packages !== 'object' || packages === null || Array.isArray(packages)) {
    throw new BuildError('lockfile-invalid', `${path}: "packages" is not a map of package versions; run pnpm install to write it again`);
  }
  const integrity = new Map<string, string>();
  for (const [key, value] of Object.entries(packages as Record<string, unknown>)) {
    const id = packageId(key);
    const pinned = (value as { resolution?: { integrity?: unknown } } | null)?.resolution?.integrity;
    if (id !== undefined && typeof pinned === 'string') integrity.set(id, pinned);
  }
  return { integrity: (name, version) => integrity.get(`${name}@${version}`) };
}

/** `/@s/x@1.0.0(react@18.3.1)` (6.0) or `@s/x@1.0.0` (9.0) → `@s/x@1.0.0`. */
function packageId(key: string): string | undefined {
  const bare = (key.startsWith('/') ? key.slice(1) : key).replace(/\(.*$/, '');
  const at = bare.lastIndexOf('@');
  return at > 0 ? bare : undefined;
}
