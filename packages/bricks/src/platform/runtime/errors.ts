// The runtime layer's one error class, with a closed set of codes.
export type RuntimeErrorCode = 'spawn-failed' | 'empty-command' | 'no-free-port';

export class RuntimeError extends Error {
  override readonly name = 'RuntimeError';
  constructor(
    readonly code: RuntimeErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
