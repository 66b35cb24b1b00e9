// An ambassador on the local platform, through the real CLI and daemon, against a stand-in remote
// on loopback: requests at the service address are forwarded with the credential from a secret
// (which the caller never sends, sees or has in its environment), a failing remote is retried for
// idempotent requests only, a hanging one times out, and one that keeps failing opens the breaker.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { send } from './helpers/arcade-checks.ts';
import { project, until } from './helpers/bricks.ts';

const TOKEN = 'remote-token-3c9e51';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly authorization: string | undefined;
}

/** The stand-in remote: `mode` says how it answers next. */
async function standIn(t: { after: (fn: () => Promise<void>) => void }) {
  const seen: Seen[] = [];
  const state = { mode: 'ok' as 'ok' | 'fail-twice' | 'always-500' | 'hang', failures: 0 };
  const server = http.createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization });
    req.resume();
    if (state.mode === 'hang') return; // never answers
    if (state.mode === 'always-500' || (state.mode === 'fail-twice' && state.failures++ < 2)) {
      res.writeHead(state.mode === 'always-500' ? 500 : 503).end('remote trouble');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ path: req.url }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  return { seen, state, port: (server.address() as AddressInfo).port };
}

test('an ambassador: forwarding with a credential from a secret, retries, a timeout and the breaker', { timeout: 120_000 }, async (t) => {
  const remote = await standIn(t);
  const p = project(t, [
    'services:',
    '  payments:',
    '    x-bricks:',
    '      ambassador:',
    `        url: http://127.0.0.1:${remote.port}/base`,
    '        timeout: 300ms',
    '        retries: 2',
    '        credential: { header: authorization, secret: payments_token, scheme: Bearer }',
    '    secrets: [payments_token]',
    'secrets:',
    '  payments_token: { file: ./token.txt }',
    '',
  ].join('\n'));
  p.write('token.txt', `${TOKEN}\n`);
  const up = await p.bricks('up', '-d', '--wait', '60');
  assert.equal(up.code, 0, `${up.stdout}\n${up.stderr}`);
  const ps = await p.ps();
  const address = ps.services.find((s) => s.name === 'payments')?.address ?? '';
  assert.match(address, /^http:\/\/127\.0\.0\.1:\d+$/, 'a service address like any other (PAYMENTS_URL)');

  await t.test('forwards below the base path, adds the credential, drops the caller\'s own', async () => {
    const r = await send('GET', `${address}/v1/charges?limit=2`, undefined, { authorization: 'Bearer caller-made-up' });
    assert.equal(r.status, 200);
    assert.deepEqual(JSON.parse(r.body.toString()), { path: '/base/v1/charges?limit=2' });
    assert.deepEqual(remote.seen.at(-1), { method: 'GET', url: '/base/v1/charges?limit=2', authorization: `Bearer ${TOKEN}` });
    assert.doesNotMatch(JSON.stringify(r.headers) + r.body.toString(), new RegExp(TOKEN), 'the caller never sees it');
  });

  await t.test('a remote that fails twice: a GET is retried to success, a POST is not retried', async () => {
    remote.state.mode = 'fail-twice';
    remote.state.failures = 0;
    const before = remote.seen.length;
    assert.equal((await send('GET', `${address}/v1/charges`)).status, 200);
    assert.equal(remote.seen.length - before, 3, 'two failures, then the answer');
    remote.state.failures = 0;
    const post = await send('POST', `${address}/v1/charges`, '{"amount":5}', { 'content-type': 'application/json' });
    assert.equal(post.status, 503, 'a POST gets the remote\'s answer: it may have acted');
    assert.equal(remote.seen.length - before, 4);
    remote.state.mode = 'ok';
  });

  await t.test('a remote that hangs: 504 after the timeout of each attempt', async () => {
    remote.state.mode = 'hang';
    const started = Date.now();
    const r = await send('GET', `${address}/v1/slow`);
    const took = Date.now() - started;
    assert.equal(r.status, 504, r.body.toString());
    // Three attempts of 300 ms, with 25 and 50 ms between them.
    assert.ok(took >= 900 && took < 5000, `took ${took} ms`);
    remote.state.mode = 'ok';
  });

  await t.test('a remote that keeps failing opens the breaker: 503 at once, the remote left alone', async () => {
    // A success first: the timeouts above counted as failures too.
    assert.equal((await send('GET', `${address}/v1/charges`)).status, 200);
    remote.state.mode = 'always-500';
    for (let i = 0; i < 5; i++) assert.equal((await send('POST', `${address}/v1/charges`, '{}')).status, 500);
    const before = remote.seen.length;
    const r = await send('GET', `${address}/v1/charges`);
    assert.equal(r.status, 503);
    assert.match(r.body.toString(), /circuit is open/);
    assert.equal(remote.seen.length, before, 'no request reached the remote');
    remote.state.mode = 'ok';
  });

  await t.test('its requests are in bricks logs, without the credential', async () => {
    const logs = await until('a log line per request', async () => {
      const r = await p.bricks('logs', 'payments', '--no-color');
      return r.stdout.includes('/v1/charges?limit=2') ? r.stdout : undefined;
    });
    assert.doesNotMatch(logs, new RegExp(TOKEN));
  });
});
