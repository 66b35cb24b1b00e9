// One served call's deadline, cancellation, span and headers: the call context that downstream
// calls inherit, and the context its handler is given. Its AbortSignal is made only when someone
// reads `signal` (a handler, or a downstream call that must be cancellable): making one costs
// about 2 µs, more than the rest of a small call. Until then the deadline is a number, and a
// timer runs only while a handler's promise is pending (`watch`).
import type { Context as OtelContext, SpanContext } from '@opentelemetry/api';
import { ANONYMOUS, type Identity } from '../auth/identity.ts';
import { BricksError } from '../errors/index.ts';
import { formatTraceparent } from '../tracing/trace-context.ts';
import { contextOfSpan, type RpcSpan } from '../tracing/rpc-span.ts';
import type { CallContext } from './call.ts';
import { callValues, type CallValues } from './call-values.ts';
import { clockNow } from './clock.ts';
import { abortError } from './deadline.ts';

/** Something whose `signal` aborts when the caller gives up; read only on demand. */
export interface CancelSource {
  readonly signal: AbortSignal;
}

/**
 * A cancellation that reaches us this close to our deadline is reported as deadline_exceeded.
 * Our deadline is the caller's remaining budget on arrival, so it lies a transit time after
 * the caller's: when the caller's deadline passes first, its cancel is how the deadline
 * reaches us. 10 ms: well above loopback and LAN transit, well below any useful timeout.
 */
export const DEADLINE_SLACK_MS = 10;

/** How the call arrived, as far as its scope needs to know. */
export interface Arrival {
  /** Aborts when the caller gives up; its `signal` is read only if the handler needs one. */
  readonly cancel?: CancelSource;
  /** Request headers, lowercase names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The caller's span when it is in this process (its traceparent is then not in `headers`). */
  readonly parentSpan?: SpanContext;
  readonly transport: 'connect' | 'grpc' | 'fast' | 'in-process';
  /** Values an interceptor already put on the call (made on first use otherwise). */
  readonly values?: CallValues;
}

export class CallScope implements CallContext {
  #controller: AbortController | undefined;
  #reason: BricksError | undefined;
  #timer: NodeJS.Timeout | undefined;
  #source: CancelSource | undefined;
  #linked: AbortSignal | undefined;
  #onAbort: ((reason: BricksError) => void) | undefined;
  #otel: OtelContext | undefined;
  #requestHeaders: Headers | undefined;
  #responseHeaders: Headers | undefined;
  #responseTrailers: Headers | undefined;
  #values: CallValues | undefined;
  readonly #arrival: Arrival;
  /** Over: a signal asked for later never aborts (as one asked for earlier stops aborting). */
  #done = false;
  /** Who called, as the method's guard verified it (auth/guard.ts); anonymous when nothing was checked. */
  identity: Identity = ANONYMOUS;

  constructor(
    readonly deadline: number,
    readonly method: string,
    readonly span: RpcSpan,
    arrival: Arrival,
  ) {
    this.#arrival = arrival;
    this.#source = arrival.cancel;
  }

  get transport(): Arrival['transport'] {
    return this.#arrival.transport;
  }

  /** Built on first read: most handlers never look. */
  get requestHeaders(): Headers {
    if (this.#requestHeaders === undefined) {
      const h = new Headers(this.#arrival.headers);
      const parent = this.#arrival.parentSpan;
      if (parent !== undefined && !h.has('traceparent')) {
        h.set('traceparent', formatTraceparent(parent));
        const state = parent.traceState?.serialize();
        if (state) h.set('tracestate', state);
      }
      this.#requestHeaders = h;
    }
    return this.#requestHeaders;
  }

  get responseHeaders(): Headers {
    return (this.#responseHeaders ??= new Headers());
  }

  get responseTrailers(): Headers {
    return (this.#responseTrailers ??= new Headers());
  }

  get values(): CallValues {
    return (this.#values ??= this.#arrival.values ?? callValues());
  }

  /** The response headers the handler set, lowercase names; undefined when it set none. */
  responseRecord(): Record<string, string> | undefined {
    return headerRecord(this.#responseHeaders);
  }

  /** The trailers the handler set, lowercase names; undefined when it set none. */
  trailerRecord(): Record<string, string> | undefined {
    return headerRecord(this.#responseTrailers);
  }

  /**
   * Links the caller's cancel source now, not when the signal is first read: a stream's handler
   * is interrupted even if it never reads its signal. Transports that call `abort` themselves
   * when the caller goes away pass no source, and no signal is made unless the handler asks.
   */
  follow(): void {
    if (this.#source !== undefined) void this.signal;
  }

  get spanContext(): SpanContext {
    return this.span.context;
  }

  get otel(): OtelContext {
    return (this.#otel ??= contextOfSpan(this.span));
  }

  /** Why the call ended early, once it did. */
  get reason(): BricksError | undefined {
    return this.#reason;
  }

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#reason !== undefined) this.#controller.abort(this.#reason);
      else if (!this.#done) {
        this.#armTimer();
        this.#linkSource();
      }
    }
    return this.#controller.signal;
  }

  /** Calls `onAbort` at the deadline, or when the source cancels once the signal is in use. */
  watch(onAbort: (reason: BricksError) => void): void {
    this.#onAbort = onAbort;
    if (this.#reason !== undefined) onAbort(this.#reason);
    else this.#armTimer();
  }

  /** The call is over: no timer, no listener stays behind. */
  dispose(): void {
    this.#done = true;
    this.#onAbort = undefined;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#linked !== undefined) this.#linked.removeEventListener('abort', this);
    this.#linked = undefined;
    this.#source = undefined;
  }

  abort(reason: BricksError): void {
    if (this.#reason !== undefined || this.#done) return;
    this.#reason = reason;
    const onAbort = this.#onAbort;
    this.dispose();
    this.#controller?.abort(reason);
    onAbort?.(reason);
  }

  #armTimer(): void {
    if (this.#timer !== undefined || this.#reason !== undefined || this.#done) return;
    const budget = this.deadline - clockNow();
    if (budget <= 0) {
      this.abort(new BricksError('deadline_exceeded', 'deadline already passed'));
      return;
    }
    this.#timer = setTimeout(() => this.abort(new BricksError('deadline_exceeded', `deadline exceeded after ${budget}ms`)), budget);
    this.#timer.unref();
  }

  #linkSource(): void {
    const s = this.#source?.signal;
    if (s === undefined || this.#reason !== undefined) return;
    if (s.aborted) this.#fromSource(s);
    else {
      this.#linked = s;
      s.addEventListener('abort', this, { once: true });
    }
  }

  /** The source's abort listener (an EventListenerObject: no closure per call). */
  handleEvent(ev: Event): void {
    this.#fromSource(ev.target as AbortSignal);
  }

  #fromSource(s: AbortSignal): void {
    const e = abortError(s);
    this.abort(e.code === 'cancelled' && clockNow() >= this.deadline - DEADLINE_SLACK_MS ? new BricksError('deadline_exceeded', 'deadline exceeded (the caller gave up at its deadline)', { cause: e }) : e);
  }
}

function headerRecord(h: Headers | undefined): Record<string, string> | undefined {
  if (h === undefined) return undefined;
  const out: Record<string, string> = {};
  h.forEach((v, k) => (out[k] = v));
  return out;
}
