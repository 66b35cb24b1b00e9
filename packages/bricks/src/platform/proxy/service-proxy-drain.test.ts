// Draining: a removed endpoint gets no new requests, its in-flight ones finish, drained()
// reports it, and its idle pooled connections are closed.
import assert from 'node:assert/strict';
import type http from 'node:http';
import { test, type TestContext } from 'node:test';
import { startServiceProxy, type ServiceProxy } from './index.ts';
import { request, startHttp1Upstream, waitFor, type TestUpstream } from './testing/upstreams.ts';

async function proxyFor(t: TestContext, upstreams: readonly TestUpstream[]): Promise<ServiceProxy> {
  const proxy = await startServiceProxy({ service: 'scores', port: 0 });
  t.after(() => proxy.close());
  proxy.setEndpoints(upstreams.map((u) => u.endpoint));
  return proxy;
}

/** A replica whose /slow requests wait until the test lets them go. */
async function slowUpstream(t: TestContext, id: string): Promise<{ upstream: TestUpstream; release: () => void }> {
  const held: http.ServerResponse[] = [];
  const upstream = await startHttp1Upstream(id, (req, res) => {
    res.setHeader('x-upstream', id);
    if (req.url === '/slow') held.push(res);
    else res.end('fast');
  });
  t.after(() => upstream.close());
  return {
    upstream,
    release: () => {
      for (const res of held.splice(0)) res.end('slow done');
    },
  };
}

test('a removed endpoint finishes its in-flight request and gets no new ones', async (t) => {
  const { upstream: a, release } = await slowUpstream(t, 'a');
  const b = await startHttp1Upstream('b');
  t.after(() => b.close());
  const proxy = await proxyFor(t, [a]);

  const slow = request(proxy.port, { path: '/slow' });
  await waitFor('the slow request to reach a', () => a.seen.length === 1);
  assert.equal(proxy.inflight('a'), 1);

  proxy.setEndpoints([b.endpoint]);
  let drainedAt = 0;
  const drained = proxy.drained('a', 10_000).then((ok) => {
    drainedAt = Date.now();
    return ok;
  });
  for (let i = 0; i < 4; i++) assert.equal((await request(proxy.port)).headers['x-upstream'], 'b');
  assert.equal(a.seen.length, 1, 'no new request reached the removed endpoint');
  assert.equal(drainedAt, 0, 'not drained while the slow request runs');
  assert.equal(await proxy.drained('a', 20), false, 'a short wait times out');

  const releasedAt = Date.now();
  release();
  const reply = await slow;
  assert.equal(reply.body.toString(), 'slow done');
  assert.equal(await drained, true);
  assert.ok(drainedAt >= releasedAt);
  assert.equal(proxy.inflight('a'), 0);
});

test('idle pooled connections to a removed endpoint are closed', async (t) => {
  const a = await startHttp1Upstream('a');
  const b = await startHttp1Upstream('b');
  t.after(() => Promise.all([a.close(), b.close()]));
  const proxy = await proxyFor(t, [a, b]);
  for (let i = 0; i < 4; i++) await request(proxy.port);
  assert.ok(a.openConnections() >= 1, 'the proxy keeps a pooled connection to a');
  proxy.setEndpoints([b.endpoint]);
  await waitFor('the pooled connection to a to close', () => a.openConnections() === 0);
  assert.ok(b.openConnections() >= 1, 'connections to b stay pooled');
});

test('close() ends client and upstream connections and stops listening', async (t) => {
  const { upstream: a } = await slowUpstream(t, 'a');
  const proxy = await startServiceProxy({ service: 'scores', port: 0 });
  proxy.setEndpoints([a.endpoint]);
  const slow = request(proxy.port, { path: '/slow' }).then(
    () => 'answered',
    () => 'failed',
  );
  await waitFor('the slow request to reach a', () => a.seen.length === 1);
  await proxy.close();
  assert.equal(await slow, 'failed');
  await waitFor('upstream connections to close', () => a.openConnections() === 0);
  await assert.rejects(request(proxy.port));
});
