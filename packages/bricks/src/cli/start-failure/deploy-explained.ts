// A deploy through the daemon as `up`, `dev` and `deploy` run it: progress, then the result. When
// it fails, the error carries what the failing services printed and what to do (explain.ts): a
// crash at start shows its cause where the user is looking, not only in `bricks logs`.
import type { ApiClient } from '../../platform/api/client.ts';
import type { DeployResult } from '../../platform/api/contract/index.ts';
import { CliError } from '../errors.ts';
import { printResult, runOperation } from '../operation.ts';
import type { OperationOptions } from '../operation.ts';
import { explainBuildError, explainServices } from './explain.ts';

/** Runs the deploy; says what it did unless nothing changed; throws a failure with its explanation. */
export async function deployExplained(api: ApiClient, projectDir: string, options: OperationOptions = {}): Promise<DeployResult> {
  let result: DeployResult;
  try {
    result = await runOperation(api.deploy(), options);
  } catch (err) {
    // The daemon reports a build that failed as the operation's error: esbuild's text says why.
    if (err instanceof CliError && err.code === 'failed') throw new CliError('failed', explainBuildError(err.message, projectDir), { cause: err });
    throw err;
  }
  if (result.outcome === 'unchanged' || result.outcome === 'completed') {
    if (result.outcome === 'completed') printResult(result);
    return result;
  }
  const explained = await explainServices(api, result.changed, projectDir);
  try {
    printResult(result);
  } catch (err) {
    if (err instanceof CliError && explained !== '') throw new CliError(err.code, `${err.message}\n${explained}`, { cause: err });
    throw err;
  }
  return result;
}
