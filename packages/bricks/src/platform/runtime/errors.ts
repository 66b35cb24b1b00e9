// The runtime layer's one error class, with a closed set of codes.
import { CodedError } from '../../util/coded-error.ts';

export type RuntimeErrorCode = 'spawn-failed' | 'empty-command' | 'no-free-port';

export class RuntimeError extends CodedError<RuntimeErrorCode> {
  override readonly name = 'RuntimeError';
}
