// Ids, and spans without an OpenTelemetry SDK.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { beginRpcSpan, tracingEnabled } from './rpc-span.ts';
import { formatTraceparent, newSpanId, newTraceId, parseTraceparent, withTraceHeaders } from './trace-context.ts';

test('span and trace ids are valid W3C ids, never zero, and unique', () => {
  const spans = new Set<string>();
  const traces = new Set<string>();
  for (let i = 0; i < 10_000; i++) {
    const s = newSpanId();
    const t = newTraceId();
    assert.match(s, /^[0-9a-f]{16}$/);
    assert.match(t, /^[0-9a-f]{32}$/);
    assert.doesNotMatch(s, /^0+$/);
    spans.add(s);
    traces.add(t);
  }
  assert.equal(spans.size, 10_000);
  assert.equal(traces.size, 10_000);
  const sc = { traceId: newTraceId(), spanId: newSpanId(), traceFlags: 1 };
  assert.deepEqual(parseTraceparent(formatTraceparent(sc)), { ...sc, isRemote: true });
});

test('without an OpenTelemetry SDK, spans still get their own ids under the parent trace', () => {
  assert.equal(tracingEnabled(), false);
  const root = beginRpcSpan('a/B', 'client', undefined, () => ({}));
  const child = beginRpcSpan('a/B', 'server', root.context, () => ({}));
  assert.equal(child.context.traceId, root.context.traceId);
  assert.notEqual(child.context.spanId, root.context.spanId);
  assert.equal(root.otel, undefined);
});

test('tracestate is passed on unchanged to the calls a call makes (W3C trace-context)', () => {
  const parent = parseTraceparent('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', 'congo=t61rcWkgMzE,rojo=00f067aa0ba902b7');
  assert.equal(parent?.traceState?.get('congo'), 't61rcWkgMzE');
  const child = beginRpcSpan('a.B/C', 'client', parent, () => ({}));
  const headers = withTraceHeaders({ x: '1' }, child.context);
  assert.equal(headers['tracestate'], 'congo=t61rcWkgMzE,rojo=00f067aa0ba902b7');
  assert.match(headers['traceparent'] ?? '', /^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
  assert.equal(headers['x'], '1');
  // Without a tracestate none is sent.
  assert.deepEqual(Object.keys(withTraceHeaders(undefined, beginRpcSpan('a.B/C', 'client', parseTraceparent('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'), () => ({})).context)), ['traceparent']);
});
