// Artifact directories: `<outDir>/<digest>/` holding manifest.json and, for a bundle, main.mjs,
// its source map and the node_modules/ of external packages. A directory appears whole or not
// at all: it is assembled under a temporary name and renamed into place.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ArtifactManifest } from './types.ts';

export const MANIFEST_FILE = 'manifest.json';

export function artifactDir(outDir: string, digest: string): string {
  return join(outDir, digest);
}

export function hasArtifact(outDir: string, digest: string): boolean {
  return existsSync(join(artifactDir(outDir, digest), MANIFEST_FILE));
}

export function readManifest(dir: string): ArtifactManifest {
  return JSON.parse(readFileSync(join(dir, MANIFEST_FILE), 'utf8')) as ArtifactManifest;
}

/**
 * Builds an artifact in a fresh temporary dir with `fill`, writes its manifest last, and renames
 * it to `<outDir>/<digest>`. Returns false when another build published the same digest first.
 */
export function publishArtifact(outDir: string, manifest: ArtifactManifest, fill: (dir: string) => void): boolean {
  const final = artifactDir(outDir, manifest.digest);
  const temp = join(outDir, `.tmp-${manifest.digest.slice(0, 12)}-${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(temp, { recursive: true });
  try {
    fill(temp);
    writeFileSync(join(temp, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
    if (existsSync(final)) {
      // A dir without a manifest is the leftover of an older, interrupted layout; replace it.
      if (hasArtifact(outDir, manifest.digest)) return false;
      rmSync(final, { recursive: true, force: true });
    }
    try {
      renameSync(temp, final);
    } catch (err) {
      if (hasArtifact(outDir, manifest.digest)) return false;
      throw err;
    }
    return true;
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

export function writeFileIn(dir: string, name: string, contents: Uint8Array | string): void {
  const path = join(dir, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, contents);
}
