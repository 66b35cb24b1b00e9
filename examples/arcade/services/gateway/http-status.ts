// RPC error codes as HTTP statuses, the mapping Google's API design guide and grpc-gateway use,
// so a REST caller sees 404 for not_found, 503 for unavailable, 504 for a deadline.
import type { ErrorCode } from '@bricks/sdk';

export function httpStatusOf(code: ErrorCode): number {
  switch (code) {
    case 'invalid_argument':
    case 'failed_precondition':
    case 'out_of_range':
      return 400;
    case 'unauthenticated':
      return 401;
    case 'permission_denied':
      return 403;
    case 'not_found':
      return 404;
    case 'already_exists':
    case 'aborted':
      return 409;
    case 'resource_exhausted':
      return 429;
    // nginx's "client closed request": nobody reads it, but logs and metrics tell it from a failure.
    case 'cancelled':
      return 499;
    case 'unknown':
    case 'internal':
    case 'data_loss':
      return 500;
    case 'unimplemented':
      return 501;
    case 'unavailable':
      return 503;
    case 'deadline_exceeded':
      return 504;
  }
}
