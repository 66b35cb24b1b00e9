// The gateway's HTTP server on a real socket: health, routing misses, body limits, RPC codes as
// HTTP statuses, and a graceful stop that finishes what it serves.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { BricksError, createLogger } from '@bricks/sdk';
import { startGateway, type GatewayServer } from './http-server.ts';
import { Router } from './router.ts';

const quiet = createLogger({ level: 'silent' });

async function gateway(t: TestContext, router: Router, opts: { drainDelayMs?: number; maxBodyBytes?: number } = {}): Promise<GatewayServer> {
  const server = await startGateway({
    router,
    host: '127.0.0.1',
    port: 0,
    replica: 'gateway.1',
    logger: quiet,
    maxBodyBytes: opts.maxBodyBytes ?? 1024,
    graceMs: 5000,
    drainDelayMs: opts.drainDelayMs ?? 0,
  });
  t.after(() => server.shutdown());
  return server;
}

test('health and readiness answer; every response names the replica', async (t) => {
  const g = await gateway(t, new Router());
  const live = await fetch(`${g.url}/healthz`);
  assert.equal(live.status, 200);
  assert.equal(live.headers.get('x-bricks-replica'), 'gateway.1');
  assert.equal((await fetch(`${g.url}/readyz`)).status, 200);
  assert.match(await (await fetch(`${g.url}/metrics`)).text(), /process_cpu/);
});

test('no route is 404, a wrong method 405 with Allow, both as JSON errors', async (t) => {
  const g = await gateway(t, new Router().add('GET', '/api/x', () => Promise.resolve({ kind: 'json', status: 200, body: {} })));
  const missing = await fetch(`${g.url}/api/y`);
  assert.equal(missing.status, 404);
  assert.deepEqual(await missing.json(), { error: { code: 'not_found', message: 'no route GET /api/y' } });
  const wrong = await fetch(`${g.url}/api/x`, { method: 'DELETE' });
  assert.equal(wrong.status, 405);
  assert.equal(wrong.headers.get('allow'), 'GET');
});

test('BricksError codes become HTTP statuses, with the code and message in the body', async (t) => {
  const cases = [
    ['not_found', 404],
    ['invalid_argument', 400],
    ['unavailable', 503],
    ['deadline_exceeded', 504],
    ['already_exists', 409],
    ['resource_exhausted', 429],
    ['unauthenticated', 401],
    ['internal', 500],
  ] as const;
  const router = new Router().add('GET', '/fail/:code', (req) => Promise.reject(new BricksError(req.params['code'] as (typeof cases)[number][0], 'because')));
  router.add('GET', '/throw', () => Promise.reject(new Error('a bug')));
  const g = await gateway(t, router);
  for (const [code, status] of cases) {
    const res = await fetch(`${g.url}/fail/${code}`);
    assert.equal(res.status, status, code);
    assert.deepEqual(await res.json(), { error: { code, message: 'because' } });
  }
  const bug = await fetch(`${g.url}/throw`);
  assert.equal(bug.status, 500);
  assert.equal(((await bug.json()) as { error: { code: string } }).error.code, 'unknown');
});

test('a body over the limit is 413; one within it reaches the handler whole', async (t) => {
  const router = new Router().add('POST', '/echo', (req) => Promise.resolve({ kind: 'bytes', status: 200, contentType: 'application/octet-stream', body: req.body }));
  const g = await gateway(t, router, { maxBodyBytes: 16 });
  const ok = await fetch(`${g.url}/echo`, { method: 'POST', body: 'x'.repeat(16) });
  assert.equal(ok.status, 200);
  assert.equal(await ok.text(), 'x'.repeat(16));
  const big = await fetch(`${g.url}/echo`, { method: 'POST', body: 'x'.repeat(17) });
  assert.equal(big.status, 413);
});

test('shutdown: not ready at once, in-flight requests finish, then the port closes', async (t) => {
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  let entered!: () => void;
  const inHandler = new Promise<void>((r) => (entered = r));
  const router = new Router().add('GET', '/slow', async () => {
    entered();
    await held;
    return { kind: 'json', status: 200, body: { done: true } };
  });
  const g = await gateway(t, router, { drainDelayMs: 200 });
  const slow = fetch(`${g.url}/slow`).then(async (r) => ({ status: r.status, body: await r.json() }));
  await inHandler;
  const stopped = g.shutdown();
  assert.equal(g.ready, false);
  // Still listening during the drain delay, answering not ready.
  assert.equal((await fetch(`${g.url}/readyz`)).status, 503);
  release();
  assert.deepEqual(await slow, { status: 200, body: { done: true } });
  await stopped;
  await assert.rejects(fetch(`${g.url}/healthz`));
});
