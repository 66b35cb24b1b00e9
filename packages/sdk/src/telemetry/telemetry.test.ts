// Ids, the RPC histogram's exposition, and spans without an OpenTelemetry SDK.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Registry, type Metric } from 'prom-client';
import { RpcHistogram } from './rpc-histogram.ts';
import { formatTraceparent, newSpanId, newTraceId, parseTraceparent } from './trace-context.ts';
import { beginRpcSpan, tracingEnabled } from './tracing.ts';

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

test('the RPC histogram is served by a prom-client registry in the histogram format', async () => {
  const h = new RpcHistogram({ name: 'x_seconds', help: 'X.', labelNames: ['method', 'code'], buckets: [0.1, 1] });
  const registry = new Registry();
  registry.registerMetric(h as unknown as Metric);
  const s = h.labels({ method: 'm', code: 'ok' });
  s.observe(0.05);
  s.observe(0.5);
  s.observe(5);
  h.observe({ method: 'm', code: 'ok' }, 0.01);
  const text = await registry.metrics();
  assert.match(text, /# TYPE x_seconds histogram/);
  assert.match(text, /x_seconds_bucket\{method="m",code="ok",le="0.1"\} 2/);
  assert.match(text, /x_seconds_bucket\{method="m",code="ok",le="1"\} 3/);
  assert.match(text, /x_seconds_bucket\{method="m",code="ok",le="\+Inf"\} 4/);
  assert.match(text, /x_seconds_sum\{method="m",code="ok"\} 5.56/);
  assert.match(text, /x_seconds_count\{method="m",code="ok"\} 4/);
});
