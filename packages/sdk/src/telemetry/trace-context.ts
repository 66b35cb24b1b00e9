// W3C Trace Context (https://www.w3.org/TR/trace-context/): the `traceparent` header, read and
// written here so propagation works with only @opentelemetry/api installed (no SDK, no
// registered propagator); spans still go through the OpenTelemetry API.
import { context as otelContext, trace, TraceFlags, type Context, type SpanContext } from '@opentelemetry/api';

const re = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:-.*)?$/;

export function parseTraceparent(value: string | null | undefined): SpanContext | undefined {
  if (!value) return undefined;
  const m = re.exec(value.trim().toLowerCase());
  if (!m) return undefined;
  const [, version, traceId, spanId, flags] = m as unknown as [string, string, string, string, string];
  // Version ff is forbidden; all-zero ids are invalid (spec §3.2.2).
  if (version === 'ff' || /^0+$/.test(traceId) || /^0+$/.test(spanId)) return undefined;
  return { traceId, spanId, traceFlags: parseInt(flags, 16) & 0xff, isRemote: true };
}

export function formatTraceparent(sc: SpanContext): string {
  return `00-${sc.traceId}-${sc.spanId}-${(sc.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}

/** The context a server span hangs under: the caller's traceparent, else the active context. */
export function contextFromHeaders(headers: Headers, base: Context = otelContext.active()): Context {
  const sc = parseTraceparent(headers.get('traceparent'));
  return sc ? trace.setSpanContext(base, sc) : base;
}

// Ids come from Math.random, as OpenTelemetry JS's own RandomIdGenerator does: they only need
// to be unique, and crypto.randomBytes per call was a fifth of an in-process call's time.
const hex = '0123456789abcdef';
function randomHex(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += hex[(Math.random() * 16) | 0];
  // An all-zero id is invalid (W3C trace-context §3.2.2.3/4).
  return /^0+$/.test(s) ? randomHex(n) : s;
}

export function newSpanId(): string {
  return randomHex(16);
}

export function newTraceId(): string {
  return randomHex(32);
}

export const defaultTraceFlags = TraceFlags.SAMPLED;
