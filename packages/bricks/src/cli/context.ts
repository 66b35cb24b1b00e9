// What every command starts from: the stack file (`-f`, else found in the working directory),
// the project's `.bricks/` paths, and a control API client when a daemon runs.
import { resolve } from 'node:path';
import type { ApiClient } from '../platform/api/client.ts';
import { ApiError } from '../platform/api/errors.ts';
import { projectPaths } from '../platform/paths.ts';
import type { ProjectPaths } from '../platform/paths.ts';
import { findStackFile, formatProblem, loadStack, STACK_FILE_NAMES } from '../stack/index.ts';
import type { Stack, StackCheck } from '../stack/index.ts';
import { localLimits } from '../platform/local-limits.ts';
import { dirname } from 'node:path';
import { findDaemon } from './local-daemon/find.ts';
import { CliError } from './errors.ts';

export interface GlobalOptions {
  readonly file?: string;
}

export function stackFileOf(options: GlobalOptions): string {
  if (options.file !== undefined) return resolve(options.file);
  const found = findStackFile(process.cwd());
  if (found === null) {
    throw new CliError('invalid-stack', `no stack file in ${process.cwd()} (looked for ${STACK_FILE_NAMES.join(', ')}); name one with -f FILE`);
  }
  return found;
}

export function pathsOf(options: GlobalOptions): ProjectPaths {
  return projectPaths(dirname(stackFileOf(options)));
}

/**
 * Loads and validates the stack; every problem is printed, then it fails with exit code 2.
 * `check` is the target's own check: the local target's limits unless the command is for
 * another target (null).
 */
export async function loadOrFail(options: GlobalOptions, check: StackCheck | null = localLimits): Promise<Stack> {
  const file = stackFileOf(options);
  const result = await loadStack({ file, ...(check === null ? {} : { check }) });
  if (!result.ok) {
    const n = result.problems.length;
    throw new CliError('invalid-stack', `${result.problems.map(formatProblem).join('\n')}\n${n} problem${n === 1 ? '' : 's'} in ${file}; nothing was started`);
  }
  for (const w of result.warnings) console.error(`warning: ${formatProblem(w)}`);
  return result.stack;
}

export async function clientOf(options: GlobalOptions): Promise<ApiClient> {
  try {
    return await findDaemon(pathsOf(options));
  } catch (err) {
    throw fromApi(err);
  }
}

export function fromApi(err: unknown): CliError {
  if (err instanceof CliError) return err;
  if (err instanceof ApiError) return new CliError(err.code === 'unavailable' ? 'not-running' : 'failed', err.message, { cause: err });
  return new CliError('failed', err instanceof Error ? err.message : String(err), { cause: err });
}
