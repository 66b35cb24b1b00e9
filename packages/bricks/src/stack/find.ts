// Where a stack file is looked for when none is named: bricks' own names first, then Compose's.
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const STACK_FILE_NAMES = [
  'bricks.yaml',
  'bricks.yml',
  'compose.yaml',
  'compose.yml',
  'docker-compose.yaml',
  'docker-compose.yml',
] as const;

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The absolute path of the first stack file found directly in `cwd`, else null. */
export function findStackFile(cwd: string): string | null {
  for (const name of STACK_FILE_NAMES) {
    const path = resolve(join(cwd, name));
    if (isFile(path)) return path;
  }
  return null;
}
