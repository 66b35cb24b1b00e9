// The HTTP status of each error code, as google.rpc.Code documents them (and grpc-gateway and
// Envoy's transcoder answer): what a REST client sees when the RPC behind the route fails.
import type { ErrorCode } from '@bricks/sdk';

const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  cancelled: 499, // the client closed the request: nginx's status, which google.rpc.Code adopts
  unknown: 500,
  invalid_argument: 400,
  deadline_exceeded: 504,
  not_found: 404,
  already_exists: 409,
  permission_denied: 403,
  resource_exhausted: 429,
  failed_precondition: 400,
  aborted: 409,
  out_of_range: 400,
  unimplemented: 501,
  internal: 500,
  unavailable: 503,
  data_loss: 500,
  unauthenticated: 401,
};

export function httpStatusOf(code: ErrorCode): number {
  return HTTP_STATUS[code];
}

/** Every code with its HTTP status, in the order google.rpc.Code numbers them. */
export function httpStatusTable(): readonly (readonly [ErrorCode, number])[] {
  return Object.entries(HTTP_STATUS) as [ErrorCode, number][];
}
