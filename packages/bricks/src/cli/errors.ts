// The CLI's one error class. Its code decides the process exit status:
//   1 the operation failed, 2 usage or an invalid stack file, 3 no daemon runs for the project.
import { CodedError } from '../util/coded-error.ts';

export type CliErrorCode = 'failed' | 'usage' | 'invalid-stack' | 'not-running';

export const EXIT_CODES: Record<CliErrorCode, number> = { failed: 1, usage: 2, 'invalid-stack': 2, 'not-running': 3 };

export class CliError extends CodedError<CliErrorCode> {
  override readonly name = 'CliError';

  /** Wraps anything thrown below the CLI; a CliError passes through (fromApi maps an ApiError's code). */
  static from(err: unknown, code: CliErrorCode = 'failed'): CliError {
    return CliError.wrap(err, code);
  }
}
