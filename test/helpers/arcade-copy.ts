// A copy of examples/arcade inside the repo's git-ignored .tmp/, for end-to-end tests: inside
// the work tree so @bricks/sdk, tsx and PGlite resolve from the root node_modules and `up` builds
// release artifacts as it does for the real example; a copy so it has its own .bricks/ and free
// service ports. `edit` may change its bricks.yaml first (for example to group services).
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { cleanUpAfter, Project } from './bricks.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const ARCADE = join(ROOT, 'examples', 'arcade');
/** What a copy of the example takes: everything but its own state (.bricks/) and node_modules. */
export const ARCADE_PARTS = ['bricks.yaml', 'package.json', 'gen', 'lib', 'proto', 'secrets', 'services'] as const;

/** A copy of the example with its own .bricks/; on test end: down, SIGKILL of anything left, rm. */
export function arcadeCopy(t: TestContext, edit?: (yaml: string) => string): Project {
  mkdirSync(join(ROOT, '.tmp'), { recursive: true });
  const dir = mkdtempSync(join(ROOT, '.tmp', 'arcade-e2e-'));
  for (const part of ARCADE_PARTS) cpSync(join(ARCADE, part), join(dir, part), { recursive: true });
  if (edit !== undefined) writeFileSync(join(dir, 'bricks.yaml'), edit(readFileSync(join(dir, 'bricks.yaml'), 'utf8')));
  const p = new Project(dir);
  cleanUpAfter(t, p);
  return p;
}
