// W3C Trace Context (https://www.w3.org/TR/trace-context/): the `traceparent` header, read and
// written here so propagation works with only @opentelemetry/api installed (no SDK, no
// registered propagator); spans still go through the OpenTelemetry API.
import { context as otelContext, createTraceState, trace, TraceFlags, type Context, type SpanContext } from '@opentelemetry/api';

const re = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(?:-.*)?$/;

/**
 * The caller's span from its `traceparent`, with its `tracestate` (vendors' entries, passed on
 * unchanged to the calls this one makes, as W3C trace-context asks) when it sent one.
 */
export function parseTraceparent(value: string | null | undefined, tracestate?: string | null): SpanContext | undefined {
  if (!value) return undefined;
  const m = re.exec(value.trim().toLowerCase());
  if (!m) return undefined;
  const [, version, traceId, spanId, flags] = m as unknown as [string, string, string, string, string];
  // Version ff is forbidden; all-zero ids are invalid (spec §3.2.2).
  if (version === 'ff' || /^0+$/.test(traceId) || /^0+$/.test(spanId)) return undefined;
  const sc: SpanContext = { traceId, spanId, traceFlags: parseInt(flags, 16) & 0xff, isRemote: true };
  if (tracestate) sc.traceState = createTraceState(tracestate);
  return sc;
}

/** The trace headers of a call made under `sc`: `traceparent`, and `tracestate` when the trace has one. */
export function withTraceHeaders(headers: Readonly<Record<string, string>> | undefined, sc: SpanContext): Record<string, string> {
  const state = sc.traceState?.serialize();
  return state ? { ...headers, traceparent: formatTraceparent(sc), tracestate: state } : { ...headers, traceparent: formatTraceparent(sc) };
}

export function formatTraceparent(sc: SpanContext): string {
  return `00-${sc.traceId}-${sc.spanId}-${(sc.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}

/** The context a server span hangs under: the caller's traceparent, else the active context. */
export function contextFromHeaders(headers: Headers, base: Context = otelContext.active()): Context {
  const sc = parseTraceparent(headers.get('traceparent'), headers.get('tracestate'));
  return sc ? trace.setSpanContext(base, sc) : base;
}

// Ids are minted per call, so they must be cheap (random hex per call was a tenth of an
// in-process call). A span id only has to be unique within its trace (W3C trace-context
// §3.2.2.4): a random per-process 32-bit prefix and a 32-bit counter are unique within the
// process for 2^32 spans, and two processes clash only when their prefixes match (1 in 2^32)
// and their counters meet in the same trace. A trace id must be globally unique: a random
// 96-bit prefix (drawn again each time the counter wraps) and a 32-bit counter. Counters are
// multiplied by an odd constant (a bijection mod 2^32) so ids look random, as the spec asks.
function randomHex8(): string {
  return hex8((Math.random() * 0x100000000) >>> 0);
}

// By byte through a table: Number#toString(16) takes a slow path for values above 2^31 (not
// small integers), which made id formatting a third of an in-process call.
const byteHex = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hex8(n: number): string {
  return byteHex[n >>> 24]! + byteHex[(n >>> 16) & 0xff]! + byteHex[(n >>> 8) & 0xff]! + byteHex[n & 0xff]!;
}

// The prefixes are never all zero, so no id is (an all-zero id is invalid, §3.2.2.3/4).
function nonZeroHex8(): string {
  const s = randomHex8();
  return s === '00000000' ? '00000001' : s;
}

const GOLDEN = 0x9e3779b1; // 2^32 / golden ratio, odd: spreads consecutive counters over the range
const spanPrefix = nonZeroHex8();
let spanCounter = 0;
let tracePrefix = '';
let traceCounter = 0;

export function newSpanId(): string {
  return formatSpanId(nextSpanNumber());
}

/** A span id as a number, formatted by `formatSpanId` only when someone reads it. */
export function nextSpanNumber(): number {
  spanCounter = (spanCounter + 1) | 0;
  return spanCounter;
}

export function formatSpanId(n: number): string {
  return spanPrefix + hex8(Math.imul(n, GOLDEN) >>> 0);
}

export function newTraceId(): string {
  traceCounter = (traceCounter + 1) | 0;
  if (traceCounter === 1 || tracePrefix === '') tracePrefix = nonZeroHex8() + randomHex8() + randomHex8();
  return tracePrefix + hex8(Math.imul(traceCounter, GOLDEN) >>> 0);
}

export const defaultTraceFlags = TraceFlags.SAMPLED;
