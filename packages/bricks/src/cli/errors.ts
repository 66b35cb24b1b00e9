// The CLI's one error class. Its code decides the process exit status:
//   1 the operation failed, 2 usage or an invalid stack file, 3 no daemon runs for the project.
export type CliErrorCode = 'failed' | 'usage' | 'invalid-stack' | 'not-running';

export const EXIT_CODES: Record<CliErrorCode, number> = { failed: 1, usage: 2, 'invalid-stack': 2, 'not-running': 3 };

export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    readonly code: CliErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
