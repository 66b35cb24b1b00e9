// Collects every problem found in one pass over a stack file, instead of stopping at the first.
import type { Problem, ProblemCode } from './model.ts';
import type { Pos } from './node.ts';

const NOWHERE: Pos = { line: 0, col: 0 };

export class Problems {
  readonly errors: Problem[] = [];
  readonly warnings: Problem[] = [];

  constructor(readonly file: string) {}

  error(code: ProblemCode, at: Pos | undefined, path: string, message: string, file = this.file): void {
    this.errors.push(make(code, file, at, path, message));
  }

  warn(code: ProblemCode, at: Pos | undefined, path: string, message: string, file = this.file): void {
    this.warnings.push(make(code, file, at, path, message));
  }

  get failed(): boolean {
    return this.errors.length > 0;
  }
}

function make(code: ProblemCode, file: string, at: Pos | undefined, path: string, message: string): Problem {
  const { line, col } = at ?? NOWHERE;
  return { code, file, line, col, path, message };
}

/** File order, so a terminal reads top to bottom; stable for problems at the same spot. */
export function sortProblems(list: readonly Problem[]): Problem[] {
  return [...list].sort((a, b) => (a.file === b.file ? a.line - b.line || a.col - b.col : a.file < b.file ? -1 : 1));
}
