// Where the bricks package sits on disk, found by walking up from a module's URL to the
// package.json named "bricks". Files that ship beside the sources (bin/bricks.js, the group
// launcher) are found through it, because the same code runs from src/ (tsx) and from the
// bundle in .cache/, at different depths: counting `../` would be right for only one of them.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'bricks';

/** The nearest directory at or above `from` (a file URL or path) whose package.json is bricks'. */
export function findPackageRoot(from: string | URL): string {
  const start = from instanceof URL || from.startsWith('file:') ? fileURLToPath(from) : from;
  for (let dir = dirname(start); ; ) {
    if (nameAt(dir) === PACKAGE_NAME) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no package.json named "${PACKAGE_NAME}" above ${start}`);
    dir = parent;
  }
}

function nameAt(dir: string): unknown {
  try {
    return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown }).name;
  } catch {
    return undefined;
  }
}

let root: string | undefined;

/** A path inside the bricks package: packagePath('bin', 'bricks.js'). */
export function packagePath(...segments: string[]): string {
  root ??= findPackageRoot(import.meta.url);
  return join(root, ...segments);
}
