// The control API's one error class: a closed set of codes, each with its HTTP status.
import { CodedError } from '../../util/coded-error.ts';

export type ApiErrorCode = 'unauthenticated' | 'forbidden' | 'not-found' | 'bad-request' | 'conflict' | 'unavailable' | 'internal';

const STATUS: Record<ApiErrorCode, number> = {
  unauthenticated: 401,
  /** Authenticated, but the request may not be made so (a cross-site POST with a dashboard session). */
  forbidden: 403,
  'not-found': 404,
  'bad-request': 400,
  conflict: 409,
  unavailable: 503,
  internal: 500,
};

export class ApiError extends CodedError<ApiErrorCode> {
  override readonly name = 'ApiError';

  get status(): number {
    return STATUS[this.code];
  }

  /** Wraps anything thrown below the API; an ApiError passes through. */
  static from(err: unknown, code: ApiErrorCode = 'internal'): ApiError {
    return ApiError.wrap(err, code);
  }

  static fromStatus(status: number, message: string): ApiError {
    const code = (Object.entries(STATUS).find(([, s]) => s === status)?.[0] ?? 'internal') as ApiErrorCode;
    return new ApiError(code, message);
  }
}
