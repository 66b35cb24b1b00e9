// The one error class of the engine targets (Kubernetes, Swarm, images), with a closed set of
// codes so that the CLI can map each to a message and an exit status.
import { CodedError } from '../util/coded-error.ts';

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

export class TargetError extends CodedError<TargetErrorCode> {
  override readonly name = 'TargetError';

  /** Wraps anything thrown below this layer, keeping it as `cause`; a TargetError passes through. */
  static from(err: unknown, code: TargetErrorCode = 'io'): TargetError {
    return TargetError.wrap(err, code);
  }
}
