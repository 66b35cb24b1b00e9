// The one error class of the engine targets (Kubernetes, Swarm, images), with a closed set of
// codes so that the CLI can map each to a message and an exit status.

export type TargetErrorCode =
  /** The stack asks for something the target cannot express (bad port, unknown secret, ...). */
  | 'invalid-stack'
  /** A secret or config file named by the stack could not be read. */
  | 'unreadable-source'
  /** The Docker engine (or the `docker` client) is not reachable. */
  | 'docker-unavailable'
  /** A `docker` command failed; the message carries its stderr. */
  | 'docker-failed'
  /** `docker build` of a service image failed. */
  | 'build-failed'
  /** `docker push` failed. */
  | 'push-failed'
  /** A Swarm deploy did not converge within its deadline; the message lists the tasks' errors. */
  | 'not-converged'
  /** No saved deployment exists for the requested SHA. */
  | 'release-not-found'
  /** Writing or reading the target's files failed. */
  | 'io'
  /** The operation was cancelled through its AbortSignal. */
  | 'aborted';

export class TargetError extends Error {
  override readonly name = 'TargetError';
  readonly code: TargetErrorCode;

  constructor(code: TargetErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  /** Wraps anything thrown below this layer, keeping it as `cause`. */
  static from(err: unknown, code: TargetErrorCode = 'io'): TargetError {
    if (err instanceof TargetError) return err;
    const message = err instanceof Error ? err.message : String(err);
    return new TargetError(code, message, { cause: err });
  }
}
