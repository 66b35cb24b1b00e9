// Writes that are all or nothing: a temp file beside the target, fsync, rename, fsync the dir.
// A crash leaves either the old content or the new, never half of either.
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
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

export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o644): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  await writeSynced(tmp, data, mode);
  try {
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  await syncDir(dir);
}
