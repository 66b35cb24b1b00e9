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

/**
 * A server refused the call for load before starting it (server/overload/): safe to retry, but
 * a retry is more load on a busy service, so it spends the retry budget; and the target is not
 * broken, so neither the breaker nor outlier ejection counts it.
 */
export function isBusy(err: BricksError): boolean {
  return err.code === 'resource_exhausted' && err.unsent;
}

/**
 * Codes that say the target did not take the call: what client-side throttling counts as not
 * accepted. A refusal for load, and a timeout (what a server that does not refuse does when
 * overloaded). Not unavailable: here it says a replica is gone or going, which the balancer and
 * the breaker handle, and it is what a handler may answer for reasons of its own.
 */
const notAccepted: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['resource_exhausted', 'deadline_exceeded']);

/** Whether an attempt's outcome counts as accepted by the target (throttle.ts): any answer but a refusal or a timeout. */
export function acceptedBy(code: ErrorCode): boolean {
  return !notAccepted.has(code);
}
