// The stack layer's error, for callers that want an exception instead of a LoadResult
// (`requireStack`). Loading itself never throws for a bad file: it returns problems.
import { formatProblem } from './model.ts';
import type { LoadResult, Problem, Stack } from './model.ts';

export type StackErrorCode = 'invalid' | 'internal';

export class StackError extends Error {
  override readonly name = 'StackError';

  constructor(
    readonly code: StackErrorCode,
    message: string,
    readonly problems: readonly Problem[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** Wraps anything thrown below this layer; a StackError passes through unchanged. */
  static from(e: unknown): StackError {
    if (e instanceof StackError) return e;
    return new StackError('internal', e instanceof Error ? e.message : String(e), [], { cause: e });
  }
}

/** The stack, or a StackError('invalid') whose message lists every problem. */
export function requireStack(result: LoadResult): Stack {
  if (result.ok) return result.stack;
  const lines = result.problems.map(formatProblem);
  throw new StackError('invalid', `the stack file has ${lines.length} problem(s):\n${lines.join('\n')}`, result.problems);
}
