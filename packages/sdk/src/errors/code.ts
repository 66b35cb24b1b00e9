// The closed set of error codes a bricks call can end with, and their gRPC status numbers
// (the numbering of grpc/grpc doc/statuscodes.md, which Connect and the fast transport share).
export const codes = {
  cancelled: 1,
  unknown: 2,
  invalid_argument: 3,
  deadline_exceeded: 4,
  not_found: 5,
  already_exists: 6,
  permission_denied: 7,
  resource_exhausted: 8,
  failed_precondition: 9,
  aborted: 10,
  out_of_range: 11,
  unimplemented: 12,
  internal: 13,
  unavailable: 14,
  data_loss: 15,
  unauthenticated: 16,
} as const;

export type ErrorCode = keyof typeof codes;

const byNumber = new Map<number, ErrorCode>(Object.entries(codes).map(([k, v]) => [v, k as ErrorCode]));

export function codeToGrpc(code: ErrorCode): number {
  return codes[code];
}

/** The code for a gRPC status number; anything outside 1..16 is `unknown`. */
export function codeFromGrpc(n: number): ErrorCode {
  return byNumber.get(n) ?? 'unknown';
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(codes, value);
}
