// The runtime layer's one error class, with a closed set of codes.
import { CodedError } from '../../util/coded-error.ts';

export type RuntimeErrorCode =
  /** The process could not be started (no such program, no permission, ...). */
  | 'spawn-failed'
  /** The command has no program to run. */
  | 'empty-command'
  /** The operating system gave no port to listen on. */
  | 'no-free-port'
  /** Anything else that failed below the runtime, kept as `cause`. */
  | 'internal';

export class RuntimeError extends CodedError<RuntimeErrorCode> {
  override readonly name = 'RuntimeError';

  /** Wraps anything thrown below the runtime; a RuntimeError passes through. */
  static from(err: unknown, code: RuntimeErrorCode = 'internal'): RuntimeError {
    return RuntimeError.wrap(err, code);
  }
}
