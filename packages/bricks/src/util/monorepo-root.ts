// Where a project's npm workspace begins: the deployer and `bricks build` bundle from there, so
// that a service's workspace dependencies resolve as they do for npm.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The nearest folder above `dir` with a package-lock.json (the npm workspace root), else `dir`. */
export function monorepoRoot(dir: string): string {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, 'package-lock.json'))) return d;
    if (dirname(d) === d) return dir;
  }
}
