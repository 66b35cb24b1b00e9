// The release layer's one error class: a closed set of codes, the original failure kept as `cause`.
import { CodedError } from '../../util/coded-error.ts';

export type ReleaseErrorCode =
  /** No release matches the id or reference. */
  | 'not-found'
  /** A SHA prefix matches releases of more than one commit. */
  | 'ambiguous'
  /** A reference is neither a SHA prefix (4+ hex digits) nor `-N`, or there is no current release to count from. */
  | 'bad-ref'
  /** The release to record is malformed (bad SHA, dirty without a hash, rollback without its target). */
  | 'invalid'
  /** A release file exists but is not a release: edited by hand or damaged on disk. */
  | 'corrupt'
  /** `gitState` on a directory outside any git work tree. */
  | 'not-git'
  /** A git repository without any commit yet: there is no SHA to release. */
  | 'no-commit'
  /** git itself failed. */
  | 'git-failed'
  /** Reading or writing the store failed. */
  | 'io';

export class ReleaseError extends CodedError<ReleaseErrorCode> {
  override readonly name = 'ReleaseError';

  /** Wraps anything thrown below the release layer; a ReleaseError passes through. */
  static from(err: unknown, code: ReleaseErrorCode = 'io'): ReleaseError {
    return ReleaseError.wrap(err, code);
  }
}
