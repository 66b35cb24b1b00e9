// Content hashes of input files, reusing the previous hash while a file's size and mtime are
// unchanged so a no-change build reads no file contents, only stats.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sha256 } from './hash.ts';

export interface FileStamp {
  /** Relative to the monorepo root. */
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly hash: string;
  /**
   * The file changed so shortly before it was stamped that a further change in the same
   * timestamp tick would keep size and mtime; such a stamp is re-hashed next time (git's
   * "racy" entries).
   */
  readonly racy: boolean;
}

/** The coarsest mtime resolution in common use (FAT/exFAT: 2 s); ext4 and APFS are far finer. */
const RACY_WINDOW_MS = 2000;

/** Stamps a file, reusing `previous.hash` when its stat still matches. Null when it is gone. */
export function stampFile(rootDir: string, path: string, previous: FileStamp | undefined, now = Date.now()): FileStamp | null {
  const abs = join(rootDir, path);
  let size: number;
  let mtimeMs: number;
  try {
    const st = statSync(abs);
    if (!st.isFile()) return null;
    ({ size, mtimeMs } = st);
  } catch {
    return null;
  }
  const racy = now - mtimeMs < RACY_WINDOW_MS;
  if (previous && !previous.racy && previous.size === size && previous.mtimeMs === mtimeMs) {
    return previous;
  }
  let hash: string;
  try {
    hash = sha256(readFileSync(abs));
  } catch {
    return null;
  }
  return { path, size, mtimeMs, hash, racy };
}
