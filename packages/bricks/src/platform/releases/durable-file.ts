// Crash-safe file writes for the store. A release file is created whole or not at all, and
// never over an existing one: temp file, fsync, hard link to the final name (fails if it
// exists, unlike rename), fsync the directory. Log lines are appended with one write + fsync.
import { randomBytes } from 'node:crypto';
import { link, open, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { syncDir, writeSynced } from '../../util/atomic-file.ts';

/** Prefix of temporary files; readers skip them and recovery deletes them. */
export const TEMP_PREFIX = '.tmp-';

/** Writes `name` in `dir` atomically; false (and nothing written) if `name` already exists. */
export async function createExclusive(dir: string, name: string, data: string): Promise<boolean> {
  const temp = join(dir, `${TEMP_PREFIX}${name}-${process.pid}-${randomBytes(4).toString('hex')}`);
  await writeSynced(temp, data, 0o644, 'wx');
  try {
    await link(temp, join(dir, name));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    await unlink(temp).catch(() => {});
  }
  await syncDir(dir);
  return true;
}

/** Appends `text` (complete lines) in a single write and waits until it is on disk. */
export async function appendDurable(path: string, text: string): Promise<void> {
  const file = await open(path, 'a');
  try {
    await file.write(text);
    await file.datasync();
  } finally {
    await file.close();
  }
}

export { syncDir };
