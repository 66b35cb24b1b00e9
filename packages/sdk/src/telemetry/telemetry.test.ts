// The RPC histogram's exposition.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Registry, type Metric } from 'prom-client';
import { RpcHistogram } from './rpc-histogram.ts';

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
