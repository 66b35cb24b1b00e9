// The client's resilience against real servers: deadlines across two hops, which calls are
// retried (idempotent, or provably never sent) and which never are, and the circuit breaker.
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { test } from 'node:test';
import { DISCOVERY_URL_VARIABLE, RESILIENCE_VARIABLE } from '../config/platform-env-names.js';
import { BricksError } from '../errors/index.ts';
import { closeDiscovery } from '../discovery/resolve.ts';
import { implement, serve, type Server } from '../server/index.ts';
import { echoImpl, EchoService, relayImpl, RelayService } from '../testing/echo-service.ts';
import { fakeDiscovery, until } from '../testing/fake-discovery.ts';
import { client, closeClients } from './index.ts';

const base = { host: '127.0.0.1', port: 0, handleSignals: false, drainDelayMs: 0, env: {} } as const;

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    assert.ok(e instanceof BricksError);
    return e.code;
  }
}

/** A port nothing listens on: bound, then closed. */
async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

for (const protocol of ['connect', 'fast'] as const) {
  test(`${protocol}: the deadline propagates across two hops as the remaining budget`, async (t) => {
    const seen: { budget: number; aborted?: string }[] = [];
    const leaf = await serve({
      ...base,
      services: [
        implement(EchoService, {
          async sleep(req, ctx) {
            const rec: { budget: number; aborted?: string } = { budget: ctx.deadline - Date.now() };
            seen.push(rec);
            await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, req.ms);
              ctx.signal.addEventListener('abort', () => {
                clearTimeout(timer);
                rec.aborted = BricksError.from(ctx.signal.reason).code;
                resolve();
              });
            });
            return { budgetMs: rec.budget };
          },
        }),
      ],
    });
    const middle = await serve({ ...base, services: [relayImpl({ url: leaf.url, protocol, inProcess: false, env: {} })] });
    t.after(async () => {
      await closeClients();
      await middle.shutdown();
      await leaf.shutdown();
    });
    const relay = client(RelayService, { url: middle.url, protocol, inProcess: false, env: {} });

    const ok = await relay.relay({ sleepMs: 0 }, { timeoutMs: 800 });
    assert.ok(ok.budgetMs > 0 && ok.budgetMs <= 800, `leaf saw ${ok.budgetMs} ms, not its own 5 s default`);

    assert.equal(await code(relay.relay({ sleepMs: 10_000 }, { timeoutMs: 300 })), 'deadline_exceeded');
    await until('the leaf handler saw its deadline pass', () => seen[1]?.aborted !== undefined);
    assert.equal(seen[1]!.aborted, 'deadline_exceeded');
    assert.ok(seen[1]!.budget <= 300);
  });
}

test('a non-idempotent call that reached the server is never retried; an idempotent one is', async (t) => {
  let idempotentCalls = 0;
  const counts = new Map<string, number>();
  const server = await serve({
    ...base,
    services: [
      implement(EchoService, {
        ...echoImpl({ counts }).handlers,
        fail() {
          idempotentCalls++;
          throw new BricksError('unavailable', 'sick');
        },
      }),
    ],
  });
  t.after(async () => {
    await closeClients();
    await server.shutdown();
  });
  const echo = client(EchoService, { url: server.url, protocol: 'connect', inProcess: false, env: {}, resilience: { retries: { max: 3, backoff: 1 } } });
  assert.equal(await code(echo.count({ key: 'k', failWith: 'unavailable' })), 'unavailable');
  assert.equal(counts.get('k'), 1, 'Count (no idempotency_level) ran once');
  assert.equal(await code(echo.fail({ code: 'unavailable' })), 'unavailable');
  assert.equal(idempotentCalls, 4, 'Fail (NO_SIDE_EFFECTS) ran 1 + 3 retries');
});

test('a call that provably never reached a server (connection refused) is retried elsewhere, even if not idempotent', async (t) => {
  const counts = new Map<string, number>();
  const server = await serve({ ...base, services: [echoImpl({ counts })] });
  const dead = await deadPort();
  const fake = await fakeDiscovery({
    echo: {
      endpoints: [
        { id: 'echo.dead', url: `http://127.0.0.1:${dead}` },
        { id: 'echo.live', url: server.url },
      ],
    },
  });
  t.after(async () => {
    await closeClients();
    closeDiscovery();
    await fake.close();
    await server.shutdown();
  });
  for (const protocol of ['connect', 'fast'] as const) {
    const echo = client(EchoService, { target: 'echo', protocol, inProcess: false, env: { [DISCOVERY_URL_VARIABLE]: fake.url } });
    for (let i = 0; i < 20; i++) {
      const r = await echo.count({ key: protocol });
      assert.equal(r.count, i + 1);
    }
    assert.equal(counts.get(protocol), 20, 'each call ran exactly once');
  }
});

test('the breaker opens after the configured failures, fails fast, and half-opens after its time', async (t) => {
  let calls = 0;
  let healthy = false;
  const server: Server = await serve({
    ...base,
    services: [
      implement(EchoService, {
        echo(req) {
          calls++;
          if (!healthy) throw new BricksError('internal', 'broken');
          return { text: req.text };
        },
      }),
    ],
  });
  t.after(async () => {
    await closeClients();
    await server.shutdown();
  });
  const echo = client(EchoService, {
    url: server.url,
    protocol: 'connect',
    inProcess: false,
    env: {},
    resilience: { circuitBreaker: { failures: 3, halfOpenAfter: 200 }, retries: { max: 0 } },
  });
  for (let i = 0; i < 3; i++) assert.equal(await code(echo.echo({ text: 'x' })), 'internal');
  assert.equal(calls, 3);
  const err = await echo.echo({ text: 'x' }).catch((e: unknown) => e);
  assert.ok(err instanceof BricksError && err.code === 'unavailable' && /circuit open/.test(err.message));
  assert.equal(calls, 3, 'an open breaker does not call the server');
  healthy = true;
  await until('half-open lets a probe through, which closes it', async () => (await code(echo.echo({ text: 'x' }))) === 'ok', 3000);
  assert.equal(calls, 4, 'exactly one probe reached the server');
  assert.equal(await code(echo.echo({ text: 'x' })), 'ok');
});

test('co-located services call each other in-process with the same deadline semantics', async (t) => {
  const server = await serve({ ...base, services: [echoImpl({ replica: 'local' }), relayImpl({ target: 'echo', env: {} })] });
  t.after(async () => {
    await closeClients();
    await server.shutdown();
  });
  // No url, no discovery, no <NAME>_URL: only the in-process path can answer.
  const relay = client(RelayService, { target: 'relay', env: {} });
  const r = await relay.relay({ sleepMs: 0 }, { timeoutMs: 500 });
  assert.ok(r.budgetMs > 0 && r.budgetMs <= 500);
  assert.equal(await code(relay.relay({ sleepMs: 5000 }, { timeoutMs: 100 })), 'deadline_exceeded');
});

test('a busy server (over its concurrency limit): a non-idempotent call is retried within the budget, and the breaker stays closed', async (t) => {
  let started = 0;
  const server = await serve({
    ...base,
    env: { [RESILIENCE_VARIABLE]: JSON.stringify({ overload: { maxConcurrency: 1, minConcurrency: 1 } }) },
    services: [
      implement(EchoService, {
        async sleep(req) {
          started++;
          await new Promise((r) => setTimeout(r, req.ms));
          return { budgetMs: 0, aborted: false };
        },
      }),
    ],
  });
  t.after(async () => {
    await closeClients();
    await server.shutdown();
  });
  const echo = client(EchoService, {
    url: server.url,
    protocol: 'connect',
    inProcess: false,
    env: {},
    // A breaker that would open at the first failure, and retries that outlast the held call.
    resilience: { circuitBreaker: { failures: 1, halfOpenAfter: 60_000 }, retries: { max: 8, backoff: 50, maxBackoff: 100 }, throttle: { enabled: false } },
  });
  // Sleep has no idempotency level: only a refusal marked "not started" may be retried.
  const [held, retried] = await Promise.all([code(echo.sleep({ ms: 150 })), code(echo.sleep({ ms: 0 }))]);
  assert.deepEqual([held, retried], ['ok', 'ok']);
  assert.equal(started, 2, 'each call ran once: the refused attempts ran nothing');
  assert.equal(await code(echo.sleep({ ms: 0 })), 'ok', 'the refusals did not open the breaker');
});
