// The proxy layer's one error class, with the closed set of reasons a proxied exchange fails.
// These codes also name the reason in `retry` and `upstream-error` events.

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
  | 'closed';

export class ProxyError extends Error {
  override readonly name = 'ProxyError';
  readonly code: ProxyErrorCode;

  constructor(code: ProxyErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(`[${code}] ${message}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }

  /** Wraps anything thrown at the proxy's socket boundary; a ProxyError passes through. */
  static from(reason: unknown, fallback: ProxyErrorCode): ProxyError {
    if (reason instanceof ProxyError) return reason;
    const message = reason instanceof Error ? reason.message : String(reason);
    return new ProxyError(fallback, message, { cause: reason });
  }
}
