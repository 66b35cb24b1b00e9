// What the autoscaler reads from a proxy: the requests, the time-weighted in-flight count, the
// requests held at zero replicas (with the wake it asks for), and the bound on that hold.
import assert from 'node:assert/strict';
import type http from 'node:http';
import { test, type TestContext } from 'node:test';
import { startServiceProxy, type ServiceProxy } from './index.ts';
import { request, startHttp1Upstream, waitFor } from './testing/upstreams.ts';

async function proxy(t: TestContext, opts: { maxWaiting?: number; waitForEndpointMs?: number; onDemand?: () => void } = {}): Promise<ServiceProxy> {
  const p = await startServiceProxy({ service: 'api', port: 0, ...opts });
  t.after(() => p.close());
  return p;
}

test('load: requests counted, in-flight integrated over time', async (t) => {
  const held: http.ServerResponse[] = [];
  const up = await startHttp1Upstream('a', (req, res) => (req.url === '/slow' ? held.push(res) : res.end('ok')));
  t.after(() => up.close());
  const p = await proxy(t);
  p.setEndpoints([up.endpoint]);
  const before = p.load();
  assert.deepEqual([before.requests, before.inFlight, before.waiting], [0, 0, 0]);
  const slow = [request(p.port, { path: '/slow' }), request(p.port, { path: '/slow' })];
  await waitFor('both held at the upstream', () => held.length === 2);
  const a = p.load();
  await new Promise((r) => setTimeout(r, 200));
  const b = p.load();
  assert.equal(b.inFlight, 2);
  // Two in flight for ~200 ms: ~400 request-ms (timers are late, never early).
  const busy = b.busyMs - a.busyMs;
  assert.ok(busy >= 390 && busy < 1000, `busy ${busy}`);
  for (const res of held.splice(0)) res.end('done');
  await Promise.all(slow);
  await request(p.port);
  const c = p.load();
  assert.deepEqual([c.requests, c.inFlight], [3, 0]);
});

test('at zero endpoints a request waits, asks for a wake, and goes on when a replica is ready', async (t) => {
  const up = await startHttp1Upstream('a');
  t.after(() => up.close());
  let demands = 0;
  const p = await proxy(t, { onDemand: () => demands++ });
  const reply = request(p.port, { path: '/x' });
  await waitFor('the request to be held', () => p.load().waiting === 1);
  assert.equal(demands, 1);
  await new Promise((r) => setTimeout(r, 50));
  p.setEndpoints([up.endpoint]);
  const answered = await reply;
  assert.equal(answered.status, 200);
  assert.equal(p.load().waiting, 0);
  // The response says how long the request waited for a replica: its cold start.
  const cold = Number(/^(\d+)ms$/.exec(String(answered.headers['x-bricks-cold-start']))?.[1]);
  assert.ok(cold >= 50 && cold < 5000, `x-bricks-cold-start: ${String(answered.headers['x-bricks-cold-start'])}`);
  assert.equal((await request(p.port)).headers['x-bricks-cold-start'], undefined, 'not on a request that did not wait');
});

test('the hold is bounded: past maxWaiting, and after the wait, 503 with a retry hint', async (t) => {
  const p = await proxy(t, { maxWaiting: 2, waitForEndpointMs: 300 });
  const held = [request(p.port), request(p.port)];
  await waitFor('two held', () => p.load().waiting === 2);
  const started = Date.now();
  const refused = await request(p.port);
  assert.ok(Date.now() - started < 250, 'refused at once, not held');
  assert.equal(refused.status, 503);
  assert.equal(refused.headers['retry-after'], '1');
  for (const r of await Promise.all(held)) {
    assert.equal(r.status, 503);
    assert.equal(r.headers['retry-after'], '1');
  }
});

test('metrics: each request by protocol and status, with its duration; waits for a replica on their own', async (t) => {
  const up = await startHttp1Upstream('a', (req, res) => {
    res.statusCode = req.url === '/missing' ? 404 : 200;
    setTimeout(() => res.end('ok'), req.url === '/slow' ? 120 : 0);
  });
  t.after(() => up.close());
  const p = await proxy(t, { waitForEndpointMs: 200 });
  // No replica yet: one request waits 200 ms and is answered 503; one waits and is served.
  assert.equal((await request(p.port)).status, 503);
  const waiting = request(p.port, { path: '/slow' });
  await waitFor('the request to be held', () => p.load().waiting === 1);
  p.setEndpoints([up.endpoint]);
  assert.equal((await waiting).status, 200);
  assert.equal((await request(p.port, { path: '/missing' })).status, 404);
  const m = p.metrics();
  const by = Object.fromEntries(m.requests.map((r) => [`${r.protocol} ${r.status}`, r]));
  assert.deepEqual(Object.keys(by).sort(), ['http1 200', 'http1 404', 'http1 503']);
  assert.equal(by['http1 200']?.count, 1);
  assert.equal(by['http1 200']?.grpcStatus, null);
  // The slow one took its 120 ms at the replica: it lands in the 0.25 s bucket, not below 0.1 s.
  const slow = by['http1 200'];
  assert.ok(slow.sum >= 0.12 && slow.sum < 5, `sum ${slow.sum}`);
  assert.equal(slow.counts.slice(0, slow.bounds.indexOf(0.1) + 1).reduce((a, b) => a + b, 0), 0);
  assert.ok((by['http1 503']?.sum ?? 0) >= 0.19, 'the refused one waited its 200 ms');
  // Only the request that waited and then got a replica counts as a wait.
  assert.equal(m.waits.count, 1);
});
