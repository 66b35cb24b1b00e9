// The Swarm releases bricks deployed: one stack file per SHA under `.bricks/swarm/`, and the
// order they went out in, so that a rollback can redeploy any of them as a whole.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TargetError } from '../errors.ts';

export interface HistoryEntry {
  readonly sha: string;
  readonly deployedAt: string;
  readonly kind: 'deploy' | 'rollback';
}

export function stackFilePath(dir: string, sha: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(sha)) throw new TargetError('invalid-stack', `"${sha}" is not a release SHA`);
  return join(dir, `${sha}.yaml`);
}

const historyFile = (dir: string): string => join(dir, 'history.json');

export async function readHistory(dir: string): Promise<HistoryEntry[]> {
  try {
    return JSON.parse(await readFile(historyFile(dir), 'utf8')) as HistoryEntry[];
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw TargetError.from(err, 'io');
  }
}

export async function appendHistory(dir: string, entry: HistoryEntry): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    const all = [...(await readHistory(dir)), entry];
    await writeFile(historyFile(dir), JSON.stringify(all, null, 2) + '\n');
  } catch (err) {
    throw TargetError.from(err, 'io');
  }
}

/** The release before the current one: the last SHA in the history that differs from the newest. */
export function previousSha(history: readonly HistoryEntry[]): string | null {
  const current = history.at(-1)?.sha;
  for (let i = history.length - 2; i >= 0; i--) {
    const sha = history[i]?.sha;
    if (sha !== undefined && sha !== current) return sha;
  }
  return null;
}
