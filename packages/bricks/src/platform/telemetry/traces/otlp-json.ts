// OTLP/HTTP's JSON encoding of ExportTraceServiceRequest, read into the spans the store keeps.
// Read by hand rather than by a schema: it is the daemon's hottest input (every span of every
// replica), and a malformed span is skipped and counted, not a reason to refuse its batch.
// https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding: ids are hex, 64-bit
// integers may be strings, enums are numbers.
import type { SpanKindName, SpanStatusName, StoredSpan } from '../../api/contract/traces.ts';

export interface DecodedBatch {
  readonly spans: StoredSpan[];
  /** Spans skipped, and what was wrong with the first of them. */
  readonly rejected: number;
  readonly problem: string | undefined;
}

type Json = Record<string, unknown>;

const KINDS: readonly SpanKindName[] = ['internal', 'internal', 'server', 'client', 'producer', 'consumer'];
const STATUSES: readonly SpanStatusName[] = ['unset', 'ok', 'error'];
const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;
/** Attributes kept per span: enough for RPC's conventions, bounded against a runaway producer. */
const MAX_ATTRIBUTES = 32;
const MAX_VALUE = 512;

export function decodeOtlpJson(body: unknown): DecodedBatch {
  const spans: StoredSpan[] = [];
  let rejected = 0;
  let problem: string | undefined;
  const reject = (why: string): void => {
    rejected++;
    problem ??= why;
  };
  if (!isObject(body) || !Array.isArray(body['resourceSpans'])) return { spans, rejected: 0, problem: 'the body is not an ExportTraceServiceRequest: no resourceSpans array' };
  for (const rs of body['resourceSpans'] as unknown[]) {
    if (!isObject(rs)) continue;
    const resource = attributesOf(isObject(rs['resource']) ? rs['resource']['attributes'] : undefined);
    const service = typeof resource['service.name'] === 'string' ? resource['service.name'] : 'unknown_service';
    const replica = typeof resource['service.instance.id'] === 'string' ? resource['service.instance.id'] : '';
    for (const ss of Array.isArray(rs['scopeSpans']) ? (rs['scopeSpans'] as unknown[]) : []) {
      if (!isObject(ss) || !Array.isArray(ss['spans'])) continue;
      for (const s of ss['spans'] as unknown[]) {
        if (!isObject(s)) {
          reject('a span is not an object');
          continue;
        }
        const traceId = typeof s['traceId'] === 'string' ? s['traceId'].toLowerCase() : '';
        const spanId = typeof s['spanId'] === 'string' ? s['spanId'].toLowerCase() : '';
        if (!HEX32.test(traceId) || !HEX16.test(spanId)) {
          reject('a span has no hex traceId (32 digits) or spanId (16 digits)');
          continue;
        }
        const start = nanos(s['startTimeUnixNano']);
        const end = nanos(s['endTimeUnixNano']);
        const durationMs = start === undefined || end === undefined ? -1 : end[0] - start[0] + (end[1] - start[1]) / 1e6;
        if (start === undefined || durationMs < 0) {
          reject(`span ${spanId} has no start or end time (startTimeUnixNano, endTimeUnixNano)`);
          continue;
        }
        const parent = typeof s['parentSpanId'] === 'string' ? s['parentSpanId'].toLowerCase() : '';
        const status = isObject(s['status']) ? s['status'] : {};
        spans.push({
          traceId,
          spanId,
          parentSpanId: HEX16.test(parent) ? parent : '',
          name: typeof s['name'] === 'string' ? s['name'].slice(0, MAX_VALUE) : '',
          kind: KINDS[typeof s['kind'] === 'number' ? s['kind'] : 0] ?? 'internal',
          service,
          replica,
          startMs: start[0] + start[1] / 1e6,
          durationMs,
          status: STATUSES[typeof status['code'] === 'number' ? status['code'] : 0] ?? 'unset',
          statusMessage: typeof status['message'] === 'string' ? status['message'].slice(0, MAX_VALUE) : '',
          traceState: typeof s['traceState'] === 'string' ? s['traceState'].slice(0, MAX_VALUE) : '',
          attributes: attributesOf(s['attributes']),
        });
      }
    }
  }
  return { spans, rejected, problem };
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A time in ns since the epoch (a decimal string, a number, or protobuf.js's { low, high }) as
 * whole ms and the ns beyond them: today's times in ns are beyond a double's exact integers.
 */
function nanos(v: unknown): [number, number] | undefined {
  if (typeof v === 'string' && /^\d+$/.test(v)) return v.length <= 6 ? [0, Number(v)] : [Number(v.slice(0, -6)), Number(v.slice(-6))];
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return [Math.floor(v / 1e6), v % 1e6];
  if (isObject(v) && typeof v['low'] === 'number' && typeof v['high'] === 'number') return nanos(((BigInt(v['high'] >>> 0) << 32n) | BigInt(v['low'] >>> 0)).toString());
  return undefined;
}

function attributesOf(list: unknown): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  if (!Array.isArray(list)) return out;
  let n = 0;
  for (const kv of list as unknown[]) {
    if (n >= MAX_ATTRIBUTES) break;
    if (!isObject(kv) || typeof kv['key'] !== 'string' || !isObject(kv['value'])) continue;
    const value = valueOf(kv['value']);
    if (value === undefined) continue;
    out[kv['key']] = value;
    n++;
  }
  return out;
}

function valueOf(v: Json): string | number | boolean | undefined {
  if (typeof v['stringValue'] === 'string') return v['stringValue'].slice(0, MAX_VALUE);
  if (typeof v['boolValue'] === 'boolean') return v['boolValue'];
  if (typeof v['intValue'] === 'number') return v['intValue'];
  if (typeof v['intValue'] === 'string' && /^-?\d+$/.test(v['intValue'])) return Number(v['intValue']);
  if (typeof v['doubleValue'] === 'number') return v['doubleValue'];
  if (isObject(v['arrayValue'])) return JSON.stringify(v['arrayValue']['values'] ?? []).slice(0, MAX_VALUE);
  return undefined;
}
