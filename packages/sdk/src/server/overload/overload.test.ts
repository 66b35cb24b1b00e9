// Overload protection against a real server, on every transport: calls over the limit are
// refused at once as RESOURCE_EXHAUSTED, marked as not started, and their handlers never run;
// no handler starts after its deadline.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromBinary, toBinary, create } from '@bufbuild/protobuf';
import * as grpc from '@grpc/grpc-js';
import { RESILIENCE_VARIABLE } from '../../config/platform-env-names.js';
import { BricksError, NOT_STARTED_HEADER } from '../../errors/index.ts';
import { client, closeClients } from '../../client/index.ts';
import { EchoRequestSchema, EchoResponseSchema, EchoService, SleepRequestSchema, SleepResponseSchema } from '../../testing/gen/bricks/test/v1/test_pb.ts';
import { implement, serve, type Server } from '../index.ts';

const HOLD_MS = 300;
const LIMIT = 2;

/** An echo service whose Sleep holds its call and whose Echo spins the CPU for `number` ms; it counts the handlers started. */
function counted(): { impl: ReturnType<typeof implement>; started: { sleep: number; echo: number; late: number } } {
  const started = { sleep: 0, echo: 0, late: 0 };
  const impl = implement(EchoService, {
    async sleep(req, ctx) {
      started.sleep++;
      await new Promise((r) => setTimeout(r, req.ms));
      return { budgetMs: ctx.deadline - Date.now(), aborted: false };
    },
    echo(req, ctx) {
      started.echo++;
      if (Date.now() > ctx.deadline) started.late++;
      const until = performance.now() + Number(req.number);
      while (performance.now() < until);
      return { text: req.text, number: req.number };
    },
    fail() {
      throw new BricksError('internal', 'unused');
    },
    count() {
      return { count: 0 };
    },
  });
  return { impl, started };
}

async function limited(t: { after: (f: () => Promise<void>) => void }, overload: Record<string, unknown>): Promise<{ server: Server; started: { sleep: number; echo: number; late: number } }> {
  const { impl, started } = counted();
  const server = await serve({
    services: [impl],
    host: '127.0.0.1',
    port: 0,
    handleSignals: false,
    drainDelayMs: 0,
    env: { [RESILIENCE_VARIABLE]: JSON.stringify({ overload }) },
  });
  t.after(async () => {
    await closeClients();
    await server.shutdown();
  });
  return { server, started };
}

async function outcome(p: Promise<unknown>): Promise<{ code: string; unsent: boolean }> {
  try {
    await p;
    return { code: 'ok', unsent: false };
  } catch (e) {
    const err = BricksError.from(e);
    return { code: err.code, unsent: err.unsent };
  }
}

for (const protocol of ['connect', 'grpc', 'grpc-web', 'fast'] as const) {
  test(`${protocol}: calls over the limit are refused at once (resource_exhausted, not started) and run no handler`, async (t) => {
    const { server, started } = await limited(t, { maxConcurrency: LIMIT, minConcurrency: LIMIT });
    const echo = client(EchoService, { url: server.url, protocol, inProcess: false, env: {}, resilience: { retries: { max: 0 }, throttle: { enabled: false } } });
    const t0 = performance.now();
    const calls = Array.from({ length: 5 }, () => {
      const at = performance.now();
      return outcome(echo.sleep({ ms: HOLD_MS })).then((o) => ({ ...o, ms: performance.now() - at }));
    });
    const results = await Promise.all(calls);
    const ok = results.filter((r) => r.code === 'ok');
    const refused = results.filter((r) => r.code === 'resource_exhausted');
    assert.equal(ok.length, LIMIT, JSON.stringify(results));
    assert.equal(refused.length, 5 - LIMIT, JSON.stringify(results));
    assert.ok(refused.every((r) => r.unsent), 'a refusal is marked as not started: safe to retry');
    // "At once": before the admitted calls were answered, not after them.
    assert.ok(refused.every((r) => r.ms < HOLD_MS), JSON.stringify(results));
    assert.equal(started.sleep, LIMIT);
    assert.ok(performance.now() - t0 >= HOLD_MS);
  });
}

test('Connect JSON over HTTP/1.1 (what curl and wrk send): 429 with the error JSON and the not-started header', async (t) => {
  const { server, started } = await limited(t, { maxConcurrency: 1, minConcurrency: 1 });
  const call = (): Promise<Response> =>
    fetch(`${server.url}/bricks.test.v1.EchoService/Sleep`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ms: HOLD_MS }) });
  const [a, b] = await Promise.all([call(), call()]);
  const statuses = [a.status, b.status].sort();
  assert.deepEqual(statuses, [200, 429]);
  const refused = a.status === 429 ? a : b;
  assert.equal(refused.headers.get(NOT_STARTED_HEADER), '1');
  assert.equal(((await refused.json()) as { code: string }).code, 'resource_exhausted');
  await (a.status === 200 ? a : b).text();
  assert.equal(started.sleep, 1);
});

test('grpc-js (a stock client): status 8 with the not-started header; health is never refused', async (t) => {
  const { server, started } = await limited(t, { maxConcurrency: 1, minConcurrency: 1 });
  const c = new grpc.Client(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure());
  t.after(() => c.close());
  const sleep = (): Promise<{ code: number; notStarted: unknown }> =>
    new Promise((resolve) => {
      c.makeUnaryRequest(
        '/bricks.test.v1.EchoService/Sleep',
        (m: unknown) => Buffer.from(toBinary(SleepRequestSchema, create(SleepRequestSchema, m as { ms: number }))),
        (b: Buffer) => fromBinary(SleepResponseSchema, b),
        { ms: HOLD_MS },
        (err) => resolve({ code: err?.code ?? 0, notStarted: err?.metadata.get(NOT_STARTED_HEADER)[0] }),
      );
    });
  const health = (): Promise<number> =>
    new Promise((resolve) => {
      c.makeUnaryRequest('/grpc.health.v1.Health/Check', () => Buffer.alloc(0), (b: Buffer) => b, {}, (err) => resolve(err?.code ?? 0));
    });
  const [x, y, h] = await Promise.all([sleep(), sleep(), health()]);
  assert.deepEqual([x.code, y.code].sort(), [0, grpc.status.RESOURCE_EXHAUSTED]);
  assert.equal((x.code === 0 ? y : x).notStarted, '1');
  assert.equal(h, 0, 'the health check went through while the limit was taken');
  assert.equal(started.sleep, 1);
});

test('no handler starts after its deadline: calls queued behind a busy event loop expire unstarted', async (t) => {
  const { server, started } = await limited(t, { maxConcurrency: 50, minConcurrency: 50 });
  const c = new grpc.Client(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure());
  t.after(() => c.close());
  await new Promise<void>((resolve, reject) => c.waitForReady(Date.now() + 5000, (e) => (e ? reject(e) : resolve())));
  // Each call spins the CPU for 60 ms and may wait 100 ms: sent together, at most two can start in time.
  const deadline = Date.now() + 100;
  const calls = Array.from(
    { length: 8 },
    (_, i) =>
      new Promise<number>((resolve) => {
        c.makeUnaryRequest(
          '/bricks.test.v1.EchoService/Echo',
          (m: unknown) => Buffer.from(toBinary(EchoRequestSchema, create(EchoRequestSchema, m as { text: string; number: bigint }))),
          (b: Buffer) => fromBinary(EchoResponseSchema, b),
          { text: `call ${i}`, number: 60n },
          { deadline },
          (err) => {
            if (err && err.code !== grpc.status.DEADLINE_EXCEEDED) console.error(err.message);
            resolve(err?.code ?? 0);
          },
        );
      }),
  );
  const codes = await Promise.all(calls);
  const expired: number = grpc.status.DEADLINE_EXCEEDED;
  assert.ok(codes.every((code) => code === 0 || code === expired), JSON.stringify(codes));
  // Give calls the server is still on a moment to start (or not): none may start late.
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(started.late, 0, 'a handler started after its deadline');
  assert.ok(started.echo < 8, `all ${started.echo} handlers ran although most calls had expired`);
});
