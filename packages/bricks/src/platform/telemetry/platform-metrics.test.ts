// The platform's metrics end to end within the daemon's parts: a real proxy in front of a real
// replica that serves /metrics and one that does not, the exposition the platform writes read
// back by the parser, the http_sd targets, and `top` after two scrapes.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import type { PlatformEvent, ServiceStatus } from '../api/contract/index.ts';
import { EventBus } from '../events.ts';
import { startServiceProxy } from '../proxy/index.ts';
import { request } from '../proxy/testing/upstreams.ts';
import { parseExposition } from './exposition.ts';
import { writeExposition } from './exposition-writer.ts';
import { Metrics } from './metrics.ts';
import { SERVER_DURATION } from './top.ts';

test('the exposition the platform writes reads back: cumulative buckets, +Inf, escaped labels, no empty label', () => {
  const text = writeExposition([
    { type: 'counter', name: 'x_total', help: 'A "counter".', samples: [{ labels: { service: 'a"b', code: null }, value: 3 }] },
    { type: 'histogram', name: 'h_seconds', help: 'H.', samples: [{ labels: { service: 's' }, data: { bounds: [0.1, 1], counts: [2, 3, 1], sum: 2.5, count: 6 } }] },
  ]);
  const e = parseExposition(text);
  assert.equal(e.types.get('x_total'), 'counter');
  assert.equal(e.types.get('h_seconds'), 'histogram');
  assert.deepEqual(e.samples.map((s) => [s.name, s.labels['le'] ?? '', s.value]), [
    ['x_total', '', 3],
    ['h_seconds_bucket', '0.1', 2],
    ['h_seconds_bucket', '1', 5],
    ['h_seconds_bucket', '+Inf', 6],
    ['h_seconds_sum', '', 2.5],
    ['h_seconds_count', '', 6],
  ]);
  assert.deepEqual(e.samples[0]!.labels, { service: 'a"b' });
});

function listen(handler: http.RequestListener): Promise<http.Server & { port: number }> {
  const server = http.createServer(handler);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(Object.assign(server, { port: (server.address() as AddressInfo).port }))));
}

test('metrics: proxy requests and scaling in the exposition, http_sd lists only replicas that serve /metrics, top from two scrapes', async (t) => {
  let calls = 0;
  // An SDK-like replica: its /metrics says how many calls it served.
  const sdk = await listen((req, res) => {
    if (req.url === '/metrics') {
      res.end(`# TYPE ${SERVER_DURATION} histogram\n${SERVER_DURATION}_bucket{rpc_method="C",rpc_grpc_status_code="0",le="0.01"} ${calls}\n${SERVER_DURATION}_bucket{rpc_method="C",rpc_grpc_status_code="0",le="+Inf"} ${calls}\n${SERVER_DURATION}_count{rpc_method="C",rpc_grpc_status_code="0"} ${calls}\n`);
      return;
    }
    calls++;
    res.end('ok');
  });
  // A plain program: no /metrics.
  const plain = await listen((_req, res) => {
    res.statusCode = 404;
    res.end();
  });
  t.after(() => {
    sdk.close();
    plain.close();
  });
  const proxy = await startServiceProxy({ service: 'api', port: 0 });
  t.after(() => proxy.close());
  proxy.setEndpoints([{ id: 'api.1', host: '127.0.0.1', port: sdk.port }]);

  const replica = (name: string, port: number) => ({
    id: name, name, service: 'api', slot: 1, version: 'v1', phase: 'running' as const, ready: true, pid: process.pid, port, startedAt: 0, restarts: 0, health: 'ok', stopReason: null,
  });
  let desired = 2;
  const status = (): ServiceStatus[] => [{
    name: 'api', address: `127.0.0.1:${proxy.port}`, members: [], version: 'v1', rollout: null, desired, autoscale: null, ready: 2, condition: 'running', restarts: 1, lastExit: null,
    replicas: [replica('api.1', sdk.port), replica('api.2', plain.port)],
  }];
  const events = new EventBus<PlatformEvent>();
  let now = 1_000_000;
  const metrics = new Metrics({
    proxies: new Map([['api', proxy]]),
    status,
    events,
    usage: async (pids) => new Map(pids.map((p) => [p, { cpu: 12.5, memory: 1 << 20 }])),
    apiHostPort: '127.0.0.1:9',
    metricsPath: '/v1/metrics',
    stack: 'demo',
    now: () => now,
  });
  t.after(() => metrics.stop());

  desired = 3;
  events.emit({ type: 'scaled', service: 'api', replicas: 3, reason: 'bricks scale', at: 0 });
  events.emit({ type: 'scaled', service: 'api', replicas: 1, reason: 'concurrency 2 over 10s', at: 0 });
  events.emit({ type: 'rollout', service: 'api', version: 'v2', state: 'completed', reason: null, at: 0 });

  await metrics.scrape();
  for (let i = 0; i < 20; i++) assert.equal((await request(proxy.port)).status, 200);
  now += 10_000;
  await metrics.scrape();

  const samples = parseExposition(metrics.text()).samples;
  const value = (name: string, labels: Record<string, string> = {}): number | undefined =>
    samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
  assert.equal(value('bricks_proxy_request_duration_seconds_count', { service: 'api', protocol: 'http1', http_response_status_code: '200' }), 20);
  assert.equal(value('bricks_scaling_decisions_total', { service: 'api', direction: 'up', by: 'user' }), 1);
  assert.equal(value('bricks_scaling_decisions_total', { service: 'api', direction: 'down', by: 'autoscaler' }), 1);
  assert.equal(value('bricks_rollouts_total', { service: 'api', state: 'completed' }), 1);
  assert.equal(value('bricks_service_desired_replicas', { service: 'api' }), 3);
  assert.equal(value('bricks_service_restarts_total', { service: 'api' }), 1);
  assert.equal(value('bricks_proxy_in_flight_requests', { service: 'api' }), 0);

  assert.deepEqual(metrics.targets(), [
    { targets: ['127.0.0.1:9'], labels: { __metrics_path__: '/v1/metrics', stack: 'demo', service: 'bricks', replica: 'daemon', version: '' } },
    { targets: [`127.0.0.1:${sdk.port}`], labels: { __metrics_path__: '/metrics', stack: 'demo', service: 'api', replica: 'api.1', version: 'v1' } },
  ]);

  const top = await metrics.top(10_000);
  const row = top.rows.find((r) => r.service === 'api' && r.replica === 'api.1');
  assert.equal(row?.rps, 2, '20 calls over 10 s');
  assert.equal(row?.errorRate, 0);
  assert.deepEqual(top.addresses, [{ service: 'api', rps: 2, inFlight: 0 }]);
  assert.deepEqual(top.replicas.map((r) => [r.name, r.cpu]), [['api.1', 12.5], ['api.2', 12.5]]);
  assert.ok(top.store.series > 0 && top.store.series <= top.store.maxSeries);
});
