// The edge's one error class: a policy that cannot be applied is found at start and names the
// key path it came from; a TLS file that cannot be read names the file.
import { CodedError } from '../../util/coded-error.ts';

export type EdgeErrorCode =
  /** The policies do not parse, or name a route the gateway does not serve. */
  | 'policy-invalid'
  /** A certificate or key file is missing or is not PEM the TLS stack takes. */
  | 'tls-invalid'
  /** Anything else that failed at the edge. */
  | 'failed';

export class EdgeError extends CodedError<EdgeErrorCode> {
  override readonly name = 'EdgeError';

  static from(err: unknown, code: EdgeErrorCode = 'failed'): EdgeError {
    return EdgeError.wrap(err, code);
  }
}
