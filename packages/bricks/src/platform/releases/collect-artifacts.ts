// Artifact garbage collection: keep what the last N releases and the current one run (N = 10
// by default, like Helm's --history-max and Kubernetes' revisionHistoryLimit), delete the rest.
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isDigest } from '../../artifacts/index.ts';
import { isUnfinished } from './model.ts';
import type { ReleaseStore } from './release-store.ts';

export const DEFAULT_KEEP_RELEASES = 10;

export interface CollectOptions {
  /** How many of the newest releases keep their artifacts (default 10). */
  readonly keep?: number;
  /** Digests to keep anyway: artifacts built for a release that is not recorded yet. */
  readonly protect?: Iterable<string>;
}

export interface CollectResult {
  /** Digest directories left in place. */
  readonly kept: readonly string[];
  readonly deleted: readonly string[];
}

/**
 * Deletes artifact directories no kept release references. Kept: the newest `keep` releases,
 * the current one, and any whose rollout is unfinished. Run it after recording a release, or
 * pass the new digests in `protect`: a fresh artifact no release names yet would be collected.
 */
export async function collectArtifacts(store: ReleaseStore, artifactsDir: string, options: CollectOptions = {}): Promise<CollectResult> {
  const keep = options.keep ?? DEFAULT_KEEP_RELEASES;
  const entries = await store.list();
  const current = await store.current();
  const kept = new Set<string>(options.protect ?? []);
  entries.forEach((entry, i) => {
    const recent = i >= entries.length - keep;
    if (recent || entry.release.id === current?.release.id || isUnfinished(entry.status)) {
      for (const s of Object.values(entry.release.services)) kept.add(s.digest);
    }
  });
  let names: string[];
  try {
    names = await readdir(artifactsDir);
  } catch {
    return { kept: [], deleted: [] };
  }
  const deleted: string[] = [];
  const left: string[] = [];
  for (const name of names.sort()) {
    // Only digest-named dirs are artifacts; the build cache and temp dirs are not ours to judge.
    if (!isDigest(name)) continue;
    if (kept.has(name)) {
      left.push(name);
      continue;
    }
    await rm(join(artifactsDir, name), { recursive: true, force: true });
    deleted.push(name);
  }
  return { kept: left, deleted };
}
