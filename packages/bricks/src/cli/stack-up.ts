// What `up` and `dev` start with: the stack validated, the project's daemon found or started,
// and the work tree as it is deployed to it.
import type { ApiClient } from '../platform/api/client.ts';
import { projectPaths } from '../platform/paths.ts';
import type { ProjectPaths } from '../platform/paths.ts';
import type { Stack } from '../stack/index.ts';
import type { GlobalOptions } from './context.ts';
import { loadOrFail } from './context.ts';
import { findDaemon } from './local-daemon/find.ts';
import { startDaemonProcess } from './local-daemon/start.ts';
import { printResult, runOperation } from './operation.ts';

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
  const result = await runOperation(api.deploy());
  if (result.outcome !== 'unchanged') printResult(result);
  return { stack, paths, api };
}
