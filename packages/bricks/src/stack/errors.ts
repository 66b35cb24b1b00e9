// The stack layer's error, for callers that want an exception instead of a LoadResult
// (`requireStack`). Loading itself never throws for a bad file: it returns problems.
import { formatProblem } from './model.ts';
import type { LoadResult, Problem, Stack } from './model.ts';
import { CodedError, messageOf, type CodedErrorOptions } from '../util/coded-error.ts';

export type StackErrorCode =
  /** The stack file has problems: `problems` lists them. */
  | 'invalid'
  /** Anything else that failed below this layer, kept as `cause`. */
  | 'internal';

export class StackError extends CodedError<StackErrorCode> {
  override readonly name = 'StackError';

  constructor(
    code: StackErrorCode,
    message: string,
    readonly problems: readonly Problem[] = [],
    options?: CodedErrorOptions,
  ) {
    super(code, message, options);
  }

  /** Wraps anything thrown below this layer; a StackError passes through unchanged. */
  static from(err: unknown, code: StackErrorCode = 'internal'): StackError {
    // Not CodedError.wrap: the problems come before the options.
    return err instanceof StackError ? err : new StackError(code, messageOf(err), [], { cause: err });
  }
}

/** The stack, or a StackError('invalid') whose message lists every problem. */
export function requireStack(result: LoadResult): Stack {
  if (result.ok) return result.stack;
  const lines = result.problems.map(formatProblem);
  throw new StackError('invalid', `the stack file has ${lines.length} problem(s):\n${lines.join('\n')}`, result.problems);
}
