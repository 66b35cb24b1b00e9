// A request that is not an RPC — a gateway's HTTP route, a job, a message — as a span: a server
// span under the caller's traceparent, exported like an RPC's, whose SDK calls are its children
// (they find it as their call context, so they also inherit its deadline and cancellation).
import type { Attributes } from '@opentelemetry/api';
import { callEnded, callStarted, resumeInCall } from '../context/call-context.ts';
import { CallScope } from '../context/call-scope.ts';
import { clockNow } from '../context/clock.ts';
import { BricksError } from '../errors/index.ts';
import { beginRpcSpan, finishRpcSpan } from '../tracing/rpc-span.ts';
import { formatTraceparent, parseTraceparent } from '../tracing/trace-context.ts';

export interface RequestSpanOptions {
  /** The request's headers: its traceparent (and tracestate) make the span the caller's child. */
  readonly headers?: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly attributes?: Attributes;
  /** The request's own budget, which its calls inherit. Default: none beyond their own. */
  readonly timeoutMs?: number;
}

export interface RequestSpan {
  /** `traceparent` of this span: for a response header, or a message sent on. */
  readonly traceparent: string;
  readonly traceId: string;
  setAttribute(key: string, value: string | number | boolean): void;
  /** Marks the request failed (an HTTP 5xx, say) without throwing. */
  fail(message: string): void;
}

/** The longest timer Node keeps: a request with no budget of its own. */
const NO_BUDGET_MS = 2 ** 31 - 1;

export async function inRequestSpan<T>(name: string, opts: RequestSpanOptions, fn: (span: RequestSpan) => Promise<T>): Promise<T> {
  const raw = opts.headers?.['traceparent'];
  const state = opts.headers?.['tracestate'];
  const parent = parseTraceparent(typeof raw === 'string' ? raw : undefined, typeof state === 'string' ? state : undefined);
  const attributes = opts.attributes ?? {};
  const span = beginRpcSpan(name, 'server', parent, () => attributes);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.headers ?? {})) if (typeof v === 'string') headers[k] = v;
  const scope = new CallScope(clockNow() + (opts.timeoutMs ?? NO_BUDGET_MS), name, span, { headers, transport: 'in-process' });
  let failure: BricksError | undefined;
  const handle: RequestSpan = {
    traceparent: formatTraceparent(span.context),
    traceId: span.context.traceId,
    setAttribute: (key, value) => span.otel?.setAttribute(key, value),
    fail: (message) => {
      failure = new BricksError('internal', message);
    },
  };
  callStarted();
  try {
    const result = await resumeInCall(scope, () => fn(handle));
    finishRpcSpan(span, failure);
    return result;
  } catch (e) {
    finishRpcSpan(span, BricksError.from(e, 'internal'));
    throw e;
  } finally {
    callEnded();
    scope.dispose();
  }
}
