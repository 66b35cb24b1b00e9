// The gateway layer's one error class. Rule problems are found at start and name the proto
// file, the method and the rule; request problems become the HTTP status their code maps to.
import { CodedError } from '../util/coded-error.ts';

export type GatewayErrorCode =
  /** An HttpRule cannot be served: bad template, a field it names is missing or of the wrong kind. */
  | 'rule-invalid'
  /** Two rules claim the same verb and path template. */
  | 'rule-conflict'
  /** A descriptor set cannot be read, or lacks a service it was asked for. */
  | 'descriptors-invalid'
  /** The gateway program's configuration (BRICKS_GATEWAY) is missing or malformed. */
  | 'config-invalid'
  /** An HTTP request cannot be turned into the request message (bad path value, query parameter or body): 400. */
  | 'bad-request'
  /** Anything else that failed inside the gateway. */
  | 'failed';

export class GatewayError extends CodedError<GatewayErrorCode> {
  override readonly name = 'GatewayError';

  /** Wraps anything thrown below the gateway layer; a GatewayError passes through unchanged. */
  static from(err: unknown, code: GatewayErrorCode = 'failed'): GatewayError {
    return GatewayError.wrap(err, code);
  }
}
