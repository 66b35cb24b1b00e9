// The fast transport's one error class: a gRPC status code and whether the call provably
// never reached a handler, which is what makes a retry safe.
export const FastCode = {
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;
export type FastCode = (typeof FastCode)[keyof typeof FastCode];

/** True for the gRPC status numbers that describe a failure (1..16; 0 is OK, not an error). */
export function isFastCode(value: unknown): value is FastCode {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 16;
}

export class FastError extends Error {
  override readonly name = 'FastError';
  readonly code: FastCode;
  /**
   * True when no handler ever saw the request: it was never written to a socket, or the
   * server refused it before running it (going away, overloaded). Safe to retry elsewhere.
   */
  readonly neverSent: boolean;

  constructor(code: FastCode, message: string, opts: { neverSent?: boolean; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = code;
    this.neverSent = opts.neverSent ?? false;
  }

  /**
   * Turns anything thrown into a FastError. A numeric `code` property in 1..16 is kept (so a
   * ConnectError or a gRPC-style error keeps its status); anything else becomes `fallback`.
   */
  static from(reason: unknown, fallback: FastCode = FastCode.UNKNOWN): FastError {
    if (reason instanceof FastError) return reason;
    const code = typeof reason === 'object' && reason !== null ? (reason as { code?: unknown }).code : undefined;
    const message = reason instanceof Error ? reason.message : String(reason);
    return new FastError(isFastCode(code) ? code : fallback, message, { cause: reason });
  }
}
