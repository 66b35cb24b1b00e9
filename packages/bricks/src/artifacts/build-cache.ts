// What the last build of a service saw, in `<outDir>/.cache/<service>.json`: its input list
// with stat stamps and the digest they gave. If the config, lockfile entries and every input's
// content hash are unchanged, the digest is too, and esbuild need not run at all.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FileStamp } from './file-stamps.ts';

export interface ServiceCache {
  /** Hash of the bundle fingerprint, the entry plan and the config: the part that is not files. */
  readonly key: string;
  readonly digest: string;
  readonly sources: readonly FileStamp[];
  /** Lockfile keys of the npm packages reached (bundled and external). */
  readonly packageKeys: readonly string[];
  /** Hash of those packages' name/version/integrity. */
  readonly packagesHash: string;
  readonly lockfile: { readonly size: number; readonly mtimeMs: number } | null;
  readonly externals: readonly string[];
}

function cachePath(outDir: string, service: string): string {
  return join(outDir, '.cache', `${service}.json`);
}

export function readCache(outDir: string, service: string): ServiceCache | undefined {
  try {
    return JSON.parse(readFileSync(cachePath(outDir, service), 'utf8')) as ServiceCache;
  } catch {
    // Missing or unreadable: the build just takes the slow path and writes a new one.
    return undefined;
  }
}

export function writeCache(outDir: string, service: string, cache: ServiceCache): void {
  const path = cachePath(outDir, service);
  mkdirSync(join(outDir, '.cache'), { recursive: true });
  const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temp, JSON.stringify(cache));
  renameSync(temp, path);
}
