// The deployer's one error class, with a closed set of codes.
export type DeployErrorCode = 'invalid-stack' | 'build-failed' | 'no-releases' | 'bad-ref' | 'artifact-missing';

export class DeployError extends Error {
  override readonly name = 'DeployError';
  constructor(
    readonly code: DeployErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
