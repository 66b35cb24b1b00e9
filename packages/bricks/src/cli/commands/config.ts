// `bricks validate` and `bricks config`: read the stack file like `up` would, and say what it means.
import { stringify } from 'yaml';
import { localLimits } from '../../platform/local-limits.ts';
import { formatProblem, loadStack, stackToCompose, stackToJson } from '../../stack/index.ts';
import type { GlobalOptions } from '../context.ts';
import { loadOrFail, stackFileOf } from '../context.ts';
import { CliError } from '../errors.ts';
import type { TargetName } from '../target-name.ts';

/** Checks the file for a target: the local one also has its replica limit (platform/local-limits.ts). */
export async function validate(options: GlobalOptions & { json?: boolean; target?: TargetName }): Promise<void> {
  const file = stackFileOf(options);
  const result = await loadStack({ file, ...((options.target ?? 'local') === 'local' ? { check: localLimits } : {}) });
  if (options.json === true) {
    console.log(JSON.stringify(result.ok
      ? { valid: true, file, services: Object.keys(result.stack.services).length, warnings: result.warnings }
      : { valid: false, file, problems: result.problems, warnings: result.warnings }));
    if (!result.ok) throw new CliError('invalid-stack', `${result.problems.length} problem(s) in ${file}`);
    return;
  }
  for (const w of result.warnings) console.error(`warning: ${formatProblem(w)}`);
  if (!result.ok) {
    const n = result.problems.length;
    throw new CliError('invalid-stack', `${result.problems.map(formatProblem).join('\n')}\n${n} problem${n === 1 ? '' : 's'} in ${file}; nothing was started`);
  }
  const n = Object.keys(result.stack.services).length;
  console.log(`${file}: valid, ${n} service${n === 1 ? '' : 's'}`);
}

/** The normalized stack as Compose YAML (what `docker compose config` prints), or the model as JSON. */
export async function config(options: GlobalOptions & { json?: boolean }): Promise<void> {
  const stack = await loadOrFail(options, null);
  console.log(options.json === true ? JSON.stringify(stackToJson(stack), null, 2) : stringify(stackToCompose(stack)));
}
