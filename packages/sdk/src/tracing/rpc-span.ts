// Spans for RPCs. With an OpenTelemetry SDK registered they go through the OpenTelemetry API;
// without one (the API alone would hand back non-recording spans that reuse the parent's ids)
// the SDK mints ids itself and skips the API, so every hop still has its own span id and logs
// and traceparent headers still carry a trace, at the cost of two counter increments.
import { context as otelContext, ProxyTracerProvider, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span, type SpanContext } from '@opentelemetry/api';
import type { BricksError } from '../errors/index.ts';
import { defaultTraceFlags, formatSpanId, newSpanId, newTraceId, nextSpanNumber } from './trace-context.ts';

const tracer = trace.getTracer('@bricks/sdk');
/** What the global provider delegates to until an OpenTelemetry SDK registers itself. */
const noopProvider = new ProxyTracerProvider().getDelegate();

/**
 * Where the OpenTelemetry API (major version 1, as this package depends on) registers global
 * providers. Nothing under `trace` there means no SDK: one property read, where asking the API
 * costs a version check per call (a few percent of an in-process call).
 */
const otelGlobal = Symbol.for('opentelemetry.js.api.1');

/** Whether an OpenTelemetry tracer provider is registered (checked per call: an SDK may register late). */
export function tracingEnabled(): boolean {
  const registered = (globalThis as Record<symbol, { trace?: unknown } | undefined>)[otelGlobal]?.trace;
  if (registered === undefined) return false;
  const p = trace.getTracerProvider();
  return !(p instanceof ProxyTracerProvider) || p.getDelegate() !== noopProvider;
}

/** One RPC's span: its ids, and the OpenTelemetry span when tracing is enabled. */
export interface RpcSpan {
  readonly context: SpanContext;
  readonly otel: Span | undefined;
}

/**
 * Begins a client or server span under `parent` (the caller's span, from the call context or
 * a traceparent). With tracing enabled and no parent, the active OpenTelemetry context is the
 * parent. `attributes` is only called when the span records.
 */
export function beginRpcSpan(name: string, kind: 'client' | 'server', parent: SpanContext | undefined, attributes: () => Attributes): RpcSpan {
  if (!tracingEnabled()) return new IdsOnlySpan(parent);
  const base = otelContext.active();
  const { span } = startRpcSpan(name, kind, parent ? trace.setSpanContext(base, parent) : base, attributes());
  return { context: span.spanContext(), otel: span };
}

/** A span of ids only, for a caller that already knows no tracer is registered. */
export function idsOnlySpan(parent: SpanContext | undefined): RpcSpan {
  return new IdsOnlySpan(parent);
}

/**
 * A span that is only ids, which are formatted when first read: most in-process calls never
 * show theirs to anyone (no traceparent to write, no log line).
 */
class IdsOnlySpan implements RpcSpan, SpanContext {
  readonly otel = undefined;
  readonly traceFlags: number;
  readonly #parent: SpanContext | undefined;
  readonly #number = nextSpanNumber();
  #traceId: string | undefined;
  #spanId: string | undefined;

  constructor(parent: SpanContext | undefined) {
    this.#parent = parent;
    this.traceFlags = parent?.traceFlags ?? defaultTraceFlags;
  }

  get context(): SpanContext {
    return this;
  }

  get traceId(): string {
    return (this.#traceId ??= this.#parent?.traceId ?? newTraceId());
  }

  get spanId(): string {
    return (this.#spanId ??= formatSpanId(this.#number));
  }

  /** The caller's tracestate, passed on. */
  get traceState(): SpanContext['traceState'] {
    return this.#parent?.traceState;
  }
}

export function finishRpcSpan(span: RpcSpan, err: BricksError | undefined): void {
  if (span.otel) endRpcSpan(span.otel, err);
}

/** The OpenTelemetry context with this span active (built on demand: handlers rarely ask). */
export function contextOfSpan(span: RpcSpan, base: Context = otelContext.active()): Context {
  return trace.setSpan(base, span.otel ?? trace.wrapSpanContext(span.context));
}

export interface StartedSpan {
  readonly span: Span;
  /** `parent` with this span set as the active one. */
  readonly ctx: Context;
}

export function startRpcSpan(name: string, kind: 'client' | 'server', parent: Context, attributes: Record<string, string> | Attributes): StartedSpan {
  const parentSc = trace.getSpanContext(parent);
  let span = tracer.startSpan(name, { kind: kind === 'client' ? SpanKind.CLIENT : SpanKind.SERVER, attributes }, parent);
  const sc = span.spanContext();
  if (!span.isRecording() && (sc.spanId === parentSc?.spanId || !trace.isSpanContextValid(sc))) {
    span = trace.wrapSpanContext({
      traceId: parentSc?.traceId ?? newTraceId(),
      spanId: newSpanId(),
      traceFlags: parentSc?.traceFlags ?? defaultTraceFlags,
    });
  }
  return { span, ctx: trace.setSpan(parent, span) };
}

export function endRpcSpan(span: Span, err: BricksError | undefined): void {
  if (err) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: err.rawMessage });
    span.setAttribute('rpc.bricks.code', err.code);
  }
  span.end();
}
