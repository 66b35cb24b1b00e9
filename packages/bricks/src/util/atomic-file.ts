// Writes that are all or nothing: a temp file beside the target, fsync, rename, fsync the dir.
// A crash leaves either the old content or the new, never half of either (and, unless the
// file only describes running processes, not the old content once the write returned).
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Writes a whole file and waits until its content is on disk. `wx` refuses an existing file. */
export async function writeSynced(path: string, data: string | Uint8Array, mode = 0o644, flag: 'w' | 'wx' = 'w'): Promise<void> {
  const file = await open(path, flag, mode);
  try {
    await file.writeFile(data);
    await file.sync();
  } finally {
    await file.close();
  }
}

/** Makes a directory's entries (a rename, a new link) durable. */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export interface AtomicWriteOptions {
  /**
   * false for a file that describes running processes (their pids, a port, a token): after a
   * machine crash those processes are gone too, so only all-or-nothing matters, and the two
   * fsyncs (milliseconds each on a busy disk, on the path of every replica start) are saved.
   */
  readonly durable?: boolean;
}

export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o644, opts: AtomicWriteOptions = {}): Promise<void> {
  const durable = opts.durable ?? true;
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  if (durable) await writeSynced(tmp, data, mode);
  else await writeFile(tmp, data, { mode });
  try {
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  if (durable) await syncDir(dir);
}
