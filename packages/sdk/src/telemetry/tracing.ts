// Spans for RPCs through the OpenTelemetry API. When no OpenTelemetry SDK is registered the API
// hands back non-recording spans that reuse the parent's ids; we then mint ids ourselves so
// every hop still has its own span id and logs still carry a trace id.
import { SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import type { BricksError } from '../errors/index.ts';
import { defaultTraceFlags, newSpanId, newTraceId } from './trace-context.ts';

const tracer = trace.getTracer('@bricks/sdk');

export interface StartedSpan {
  readonly span: Span;
  /** `parent` with this span set as the active one. */
  readonly ctx: Context;
}

export function startRpcSpan(name: string, kind: 'client' | 'server', parent: Context, attributes: Record<string, string>): StartedSpan {
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
