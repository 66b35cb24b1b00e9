// Which failures may be retried, and which count against a target's health.
import type { BricksError, ErrorCode } from '../errors/index.ts';

/** Codes after which an idempotent call may be tried again (the server may be fine elsewhere). */
const transient: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['unavailable', 'aborted']);

/** Codes that say the target is unwell, not that the request was wrong. */
const unhealthy: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['unavailable', 'deadline_exceeded', 'resource_exhausted', 'internal', 'unknown', 'data_loss']);

export type RetryVerdict = 'unsent' | 'idempotent' | 'no';

/**
 * A call that provably never reached a server is always safe to retry; otherwise only an
 * idempotent method after a transient failure.
 */
export function retryVerdict(err: BricksError, idempotent: boolean): RetryVerdict {
  if (err.unsent) return 'unsent';
  if (idempotent && transient.has(err.code)) return 'idempotent';
  return 'no';
}

export function countsAsFailure(code: ErrorCode): boolean {
  return unhealthy.has(code);
}
