// Where a stateful arcade service keeps its files when DATA_DIR is not set: beside the stack,
// in `<stack dir>/.bricks/data/<service>` (git-ignored, next to the platform's own state).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const STACK_FILES = ['bricks.yaml', 'compose.yaml'];

/**
 * The nearest directory at or above `from` that holds a stack file. A replica runs either in
 * place (cwd = the stack dir) or from a built artifact (cwd = `<stack dir>/.bricks/artifacts/<digest>`),
 * so walking up finds the stack either way; in a container there is none and `from` is used.
 */
export function stackDir(from: string = process.cwd()): string {
  let dir = resolve(from);
  for (;;) {
    if (STACK_FILES.some((f) => existsSync(join(dir, f)))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return resolve(from);
    dir = parent;
  }
}

export function defaultDataDir(service: string, from?: string): string {
  return join(stackDir(from), '.bricks', 'data', service);
}
