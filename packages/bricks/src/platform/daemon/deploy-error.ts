// The deployer's one error class, with a closed set of codes.
import { CodedError } from '../../util/coded-error.ts';

export type DeployErrorCode =
  /** The stack file has problems, or its groups cannot be formed. */
  | 'invalid-stack'
  /** A service's artifact could not be built. */
  | 'build-failed'
  /** There are no releases here: sources mode, or no git commit to name one by. */
  | 'no-releases'
  /** A release reference names no release. */
  | 'bad-ref'
  /** A release's artifact is gone from disk. */
  | 'artifact-missing'
  /** A release an older bricks recorded: its saved configuration cannot be run by this version. */
  | 'old-release'
  /** A secret's value could not be had (its file, variable or store entry); nothing was changed. */
  | 'secrets'
  /** Anything else that failed below the deployer, kept as `cause`. */
  | 'internal';

export class DeployError extends CodedError<DeployErrorCode> {
  override readonly name = 'DeployError';

  /** Wraps anything thrown below the deployer; a DeployError passes through. */
  static from(err: unknown, code: DeployErrorCode = 'internal'): DeployError {
    return DeployError.wrap(err, code);
  }
}
