// The deployer's one error class, with a closed set of codes.
import { CodedError } from '../../util/coded-error.ts';

export type DeployErrorCode = 'invalid-stack' | 'build-failed' | 'no-releases' | 'bad-ref' | 'artifact-missing' | 'old-release';

export class DeployError extends CodedError<DeployErrorCode> {
  override readonly name = 'DeployError';
}
