// The secrets layer's one error class: the store, its key, the values of a stack's secrets,
// the files replicas get. Its messages name the secret and the file, never a value.
import { CodedError } from '../../util/coded-error.ts';

export type SecretErrorCode =
  /** No key for the store: neither the key file nor BRICKS_SECRETS_KEY. */
  | 'no-key'
  /** A key was found, but it is not the one the store was written with. */
  | 'wrong-key'
  /** The store file is not a store, or an entry does not decrypt with the right key. */
  | 'corrupt'
  /** A key file anyone but its owner can read, or a key of the wrong length. */
  | 'bad-key-file'
  /** The store has no such secret. */
  | 'not-found'
  /** A file or environment variable a secret comes from cannot be read. */
  | 'unreadable-source'
  /** Anything else that failed below, kept as `cause`. */
  | 'internal';

export class SecretError extends CodedError<SecretErrorCode> {
  override readonly name = 'SecretError';

  /** Wraps anything thrown below; a SecretError passes through. */
  static from(err: unknown, code: SecretErrorCode = 'internal'): SecretError {
    return SecretError.wrap(err, code);
  }
}
