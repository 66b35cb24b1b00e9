// The proxy layer's one error class, with the closed set of reasons a proxied exchange fails.
// These codes also name the reason in `retry` and `upstream-error` events.
import { CodedError, type CodedErrorOptions } from '../../util/coded-error.ts';

export type ProxyErrorCode =
  /** The listener could not bind its port. */
  | 'bind-failed'
  /** The client sent something that is not a request we can forward. */
  | 'bad-request'
  /** The client's request head exceeded the size limit. */
  | 'head-too-large'
  /** Connecting to the endpoint failed: nothing was sent, so any request may be retried. */
  | 'upstream-connect'
  /** The endpoint closed or reset the connection before the response was complete. */
  | 'upstream-closed'
  /** The endpoint answered something that is not valid HTTP. */
  | 'upstream-protocol'
  /** The HTTP/2 endpoint refused the stream (REFUSED_STREAM): it was not processed. */
  | 'upstream-refused'
  /** No endpoint became ready within the wait. */
  | 'no-endpoint'
  /** The proxy was closed while the request was in flight. */
  | 'closed'
  /** Anything else that failed below the proxy, kept as `cause` (its callers name a reason). */
  | 'internal';

export class ProxyError extends CodedError<ProxyErrorCode> {
  override readonly name = 'ProxyError';

  /** The message starts with the code: it is what a log line or an error reply body shows. */
  constructor(code: ProxyErrorCode, message: string, options?: CodedErrorOptions) {
    super(code, `[${code}] ${message}`, options);
  }

  /** Wraps anything thrown at the proxy's socket boundary; a ProxyError passes through. */
  static from(err: unknown, code: ProxyErrorCode = 'internal'): ProxyError {
    return ProxyError.wrap(err, code);
  }
}
