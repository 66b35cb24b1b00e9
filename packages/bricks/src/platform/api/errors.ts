// The control API's one error class: a closed set of codes, each with its HTTP status.
import { CodedError } from '../../util/coded-error.ts';

export type ApiErrorCode = 'unauthenticated' | 'not-found' | 'bad-request' | 'conflict' | 'unavailable' | 'internal';

const STATUS: Record<ApiErrorCode, number> = {
  unauthenticated: 401,
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

  static from(err: unknown): ApiError {
    if (err instanceof ApiError) return err;
    return new ApiError('internal', err instanceof Error ? err.message : String(err), { cause: err });
  }

  static fromStatus(status: number, message: string): ApiError {
    const code = (Object.entries(STATUS).find(([, s]) => s === status)?.[0] ?? 'internal') as ApiErrorCode;
    return new ApiError(code, message);
  }
}
