// Running a streamed operation of the daemon (a deploy, a rollback): its progress printed as it
// comes, then its result, or its error as a CliError.
import type { DeployResult, OperationLine } from '../platform/api/contract/index.ts';
import { fromApi } from './context.ts';
import { CliError } from './errors.ts';
import { color } from './format/color.ts';

export interface OperationOptions {
  /** Each line as JSON instead of prose. */
  readonly json?: boolean;
  /** Hold the progress back and drop it when nothing changed (`dev` asks twice a second). */
  readonly quietIfUnchanged?: boolean;
}

/** Prints the operation's progress; returns its result or throws its error. */
export async function runOperation(lines: AsyncIterable<OperationLine>, options: OperationOptions = {}): Promise<DeployResult> {
  let result: DeployResult | null = null;
  const held: string[] = [];
  const print = (text: string): void => {
    if (options.quietIfUnchanged === true) held.push(text);
    else console.log(text);
  };
  try {
    for await (const line of lines) {
      if (options.json === true) print(JSON.stringify(line));
      switch (line.kind) {
        case 'progress': {
          const text = describeProgress(line);
          if (text !== null && options.json !== true) print(text);
          break;
        }
        case 'result':
          result = line.result;
          break;
        case 'error':
          throw new CliError(line.code === 'invalid-stack' ? 'invalid-stack' : 'failed', line.message);
      }
    }
  } catch (err) {
    throw fromApi(err);
  }
  if (result === null) throw new CliError('failed', 'the daemon ended the operation without a result; see `bricks logs` and .bricks/daemon.log');
  if (result.outcome !== 'unchanged') for (const text of held) console.log(text);
  return result;
}

function describeProgress(line: Extract<OperationLine, { kind: 'progress' }>): string | null {
  const p = line.progress;
  if (p.kind === 'note') return p.message;
  const e = p.event;
  const name = e.service.padEnd(16);
  switch (e.kind) {
    case 'resolving':
      return null;
    case 'cached':
      return `  ${name} ${color.dim(`unchanged ${e.digest.slice(0, 12)}`)}`;
    case 'bundling':
      return `  ${name} building…`;
    case 'done':
      return e.rebuilt ? `  ${name} built ${e.digest.slice(0, 12)} in ${Math.round(e.durationMs)} ms` : null;
    case 'failed':
      return `  ${name} ${color.red('failed')}: ${e.message}`;
  }
}

/** Says what the operation did; an outcome other than completed or unchanged is a failure. */
export function printResult(r: DeployResult): void {
  const rel = r.release === null ? '' : `release #${r.release}${r.sha === null ? '' : ` (${r.sha.slice(0, 12)})`}: `;
  switch (r.outcome) {
    case 'unchanged':
      console.log(`${color.green('unchanged')}: ${r.detail}; no replica was touched`);
      return;
    case 'completed':
      console.log(`${color.green('deployed')} ${rel}${r.changed.length === 0 ? 'no service changed' : `rolled ${r.changed.join(', ')}`}`);
      return;
    case 'rolled-back':
    case 'paused':
    case 'failed':
      throw new CliError('failed', `${rel}${r.outcome}: ${r.detail}`);
  }
}
