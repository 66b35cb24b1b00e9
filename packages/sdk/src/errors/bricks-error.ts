// The SDK's one error class. Every failure a caller or handler sees is a BricksError with a
// code from the closed set in code.ts; whatever caused it is kept as `cause`.
import { codeFromGrpc, isErrorCode, type ErrorCode } from './code.ts';
import { NOT_STARTED_HEADER } from './not-started.ts';

export interface BricksErrorOptions {
  readonly cause?: unknown;
  /** Response metadata that came with the error (headers/trailers). */
  readonly metadata?: Headers;
  /**
   * True only when the request provably never reached a handler (connection refused, never
   * written, refused before dispatch). It is what makes retrying a non-idempotent call safe.
   */
  readonly unsent?: boolean;
}

export class BricksError extends Error {
  override readonly name = 'BricksError';
  readonly code: ErrorCode;
  readonly metadata: Headers;
  readonly unsent: boolean;
  /** The message without the `[code]` prefix. */
  readonly rawMessage: string;

  constructor(code: ErrorCode, message: string, opts: BricksErrorOptions = {}) {
    super(`[${code}] ${message}`, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.code = code;
    this.rawMessage = message;
    this.metadata = opts.metadata ?? new Headers();
    this.unsent = opts.unsent ?? false;
  }

  /**
   * Turns anything thrown into a BricksError. Understands ConnectError and the fast transport's
   * errors (a numeric gRPC `code`), abort reasons (TimeoutError → deadline_exceeded,
   * AbortError → cancelled), node's connection errors (ECONNREFUSED → unavailable, unsent) and a
   * server's refusal before it started the call (not-started.ts → unsent).
   */
  static from(reason: unknown, fallback: ErrorCode = 'unknown'): BricksError {
    if (reason instanceof BricksError) return reason;
    if (typeof reason !== 'object' || reason === null) {
      return new BricksError(fallback, String(reason), { cause: reason });
    }
    const r = reason as { name?: unknown; code?: unknown; message?: unknown; rawMessage?: unknown; metadata?: unknown; neverSent?: unknown };
    const message = typeof r.rawMessage === 'string' ? r.rawMessage : typeof r.message === 'string' ? r.message : 'unknown error';
    const metadata = r.metadata instanceof Headers ? r.metadata : undefined;
    const unsent = r.neverSent === true || refusedConnection(reason) || metadata?.get(NOT_STARTED_HEADER) === '1';
    // Before the numeric check: a DOMException has a numeric `code` of its own (TimeoutError is 23).
    if (r.name === 'TimeoutError') return new BricksError('deadline_exceeded', message, { cause: reason });
    if (r.name === 'AbortError') return new BricksError('cancelled', message, { cause: reason });
    if (typeof r.code === 'number') return new BricksError(codeFromGrpc(r.code), message, { cause: reason, metadata, unsent });
    if (isErrorCode(r.code)) return new BricksError(r.code, message, { cause: reason, metadata, unsent });
    if (unsent) return new BricksError('unavailable', message, { cause: reason, unsent });
    return new BricksError(fallback, message, { cause: reason });
  }
}

/** ECONNREFUSED anywhere in the cause chain: the peer's kernel refused, no byte was read. */
function refusedConnection(reason: unknown): boolean {
  let e: unknown = reason;
  for (let depth = 0; depth < 5 && typeof e === 'object' && e !== null; depth++) {
    if ((e as { code?: unknown }).code === 'ECONNREFUSED') return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
