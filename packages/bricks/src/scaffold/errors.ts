// The scaffold layer's one error class (`bricks init`): a closed set of codes, each message naming
// what was wrong and what to do next, the original failure kept as `cause`.
import { CodedError } from '../util/coded-error.ts';

export type ScaffoldErrorCode =
  /** --template names none of the templates. */
  | 'unknown-template'
  /** The project's name (given, or made from the folder's) is not a valid npm package name. */
  | 'bad-name'
  /** The folder has files already, and --force was not given. */
  | 'not-empty'
  /** --tarballs names a folder without this version's bricks and @bricks/sdk tarballs. */
  | 'tarball-missing'
  /** Reading a template or writing the project failed. */
  | 'io';

export class ScaffoldError extends CodedError<ScaffoldErrorCode> {
  override readonly name = 'ScaffoldError';

  /** Wraps anything thrown below the scaffold layer; a ScaffoldError passes through. */
  static from(err: unknown, code: ScaffoldErrorCode = 'io'): ScaffoldError {
    return ScaffoldError.wrap(err, code);
  }
}
