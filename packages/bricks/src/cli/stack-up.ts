// What `up` and `dev` start with: the stack validated, the project's daemon found or started,
// and the work tree as it is deployed to it.
import { join, relative } from 'node:path';
import type { ApiClient } from '../platform/api/client.ts';
import { projectPaths } from '../platform/paths.ts';
import { gitIgnores } from '../platform/releases/index.ts';
import { STATE_DIR } from '../util/state-dir.ts';
import type { ProjectPaths } from '../platform/paths.ts';
import type { Stack } from '../stack/index.ts';
import type { GlobalOptions } from './context.ts';
import { loadOrFail } from './context.ts';
import { findDaemon } from './local-daemon/find.ts';
import { startDaemonProcess } from './local-daemon/start.ts';
import { color } from './format/color.ts';
import { deployExplained } from './start-failure/deploy-explained.ts';

export interface StackUp {
  readonly stack: Stack;
  readonly paths: ProjectPaths;
  readonly api: ApiClient;
}

export async function bringUp(options: GlobalOptions): Promise<StackUp> {
  const stack = await loadOrFail(options);
  const paths = projectPaths(stack.dir);
  let api = await findDaemon(paths).catch(() => null);
  if (api !== null) {
    console.log(`bricks is already up for ${stack.file} (${api.url}); deploying what changed`);
  } else {
    api = await startDaemonProcess(stack.file, paths);
  }
  // `up` runs the work tree as it is: a deploy (a release in a git work tree), which touches
  // nothing when the running release already is this tree.
  await deployExplained(api, stack.dir);
  await suggestIgnoringState(stack.dir);
  return { stack, paths, api };
}

/**
 * Releases leave `.bricks/` out whatever .gitignore says, but `git status` and `git add -A`
 * would still show and take the platform's files (its API token among them).
 */
async function suggestIgnoringState(dir: string): Promise<void> {
  if ((await gitIgnores(dir, `${STATE_DIR}/`)) !== 'not-ignored') return;
  const gitignore = relative(process.cwd(), join(dir, '.gitignore')) || '.gitignore';
  console.log(color.yellow(`note: git does not ignore ${STATE_DIR}/, where bricks keeps its state, logs and API token; add it: echo '${STATE_DIR}/' >> ${gitignore}`));
}
