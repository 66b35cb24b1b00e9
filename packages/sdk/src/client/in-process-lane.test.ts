// The co-located lane (client.ts #inline, Dispatcher.inline): once a handler has answered
// synchronously, option-less in-process calls skip the objects between layers. They must
// still behave as the general path does: errors, invalid answers, a handler that turns
// asynchronous, a parent's deadline and span, metrics for both sides, the server's drain.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BricksError } from '../errors/index.ts';
import { implement, serve, type Server } from '../server/index.ts';
import { rpcMetrics } from '../telemetry/metrics.ts';
import { EchoService, RelayService } from '../testing/echo-service.ts';
import { client, closeClients } from './index.ts';

async function served(t: { after: (fn: () => Promise<void>) => void }, ...services: Parameters<typeof serve>[0]['services']): Promise<Server> {
  const server = await serve({ services, host: '127.0.0.1', port: 0, handleSignals: false, drainDelayMs: 0, env: {} });
  t.after(async () => {
    await closeClients();
    await server.shutdown();
  });
  return server;
}

/** The count of one series in the Prometheus text, 0 when absent. */
async function seriesCount(metric: string, labels: string): Promise<number> {
  const text = await rpcMetrics().registry.metrics();
  const line = text.split('\n').find((l) => l.startsWith(`${metric}_count{`) && labels.split(',').every((kv) => l.includes(kv)));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

test('repeated synchronous calls: answers, errors, invalid answers and a handler that turns asynchronous', async (t) => {
  let mode: 'ok' | 'throw' | 'out-of-range' | 'promise' = 'ok';
  let n = 0;
  await served(
    t,
    implement(EchoService, {
      count(req) {
        n++;
        switch (mode) {
          case 'ok':
            return { count: n };
          case 'throw':
            throw new BricksError('failed_precondition', `no ${req.key}`);
          case 'out-of-range':
            return { count: 2 ** 40 };
          case 'promise':
            return Promise.resolve({ count: -n });
        }
      },
    }),
  );
  const c = client(EchoService, { env: {} });
  for (let i = 1; i <= 5; i++) assert.equal((await c.count({ key: 'k' })).count, i);
  mode = 'throw';
  await assert.rejects(c.count({ key: 'k' }), (e: unknown) => e instanceof BricksError && e.code === 'failed_precondition' && e.rawMessage === 'no k');
  mode = 'out-of-range';
  await assert.rejects(c.count({ key: 'k' }), (e: unknown) => e instanceof BricksError && e.code === 'internal');
  mode = 'promise';
  assert.equal((await c.count({ key: 'k' })).count, -8);
  mode = 'ok';
  assert.equal((await c.count({ key: 'k' })).count, 9);
  assert.equal(n, 9);
});

test('both histograms count every call, by code', async (t) => {
  await served(t, implement(EchoService, { count: () => ({ count: 1 }) }));
  const c = client(EchoService, { env: {} });
  const method = 'rpc_service="bricks.test.v1.EchoService",rpc_method="Count",rpc_grpc_status_code="0"';
  const server = `rpc_system="bricks",${method},transport="in-process"`;
  const called = `${method},peer_service="echo"`;
  const server0 = await seriesCount('rpc_server_call_duration_seconds', server);
  const client0 = await seriesCount('rpc_client_call_duration_seconds', called);
  for (let i = 0; i < 10; i++) await c.count({ key: 'k' });
  assert.equal(await seriesCount('rpc_server_call_duration_seconds', server), server0 + 10);
  assert.equal(await seriesCount('rpc_client_call_duration_seconds', called), client0 + 10);
});

test('a synchronous handler calling another co-located one passes on its deadline and trace', async (t) => {
  const seen: { deadline: number; traceparent: string }[] = [];
  const record = (ctx: { deadline: number; requestHeaders: Headers }) => seen.push({ deadline: ctx.deadline, traceparent: ctx.requestHeaders.get('traceparent') ?? '' });
  await served(
    t,
    implement(EchoService, {
      count(_req, ctx) {
        record(ctx);
        return { count: 1 };
      },
    }),
    implement(RelayService, {
      relay(_req, ctx) {
        record(ctx);
        void echo.count({ key: 'inner' });
        return {};
      },
    }),
  );
  const echo = client(EchoService, { env: {}, timeoutMs: 60_000 });
  const relay = client(RelayService, { target: 'echo', env: {}, timeoutMs: 1_000 });
  // First calls learn that both handlers answer synchronously; the next ones take the lane.
  await echo.count({ key: 'learn' });
  await relay.relay({ sleepMs: 0 });
  seen.length = 0;
  await relay.relay({ sleepMs: 0 });
  assert.equal(seen.length, 2);
  const [outer, inner] = seen as [(typeof seen)[0], (typeof seen)[0]];
  assert.equal(inner.deadline, outer.deadline, 'the inner call keeps the outer deadline (1 s), not its own 60 s');
  const trace = (tp: string) => tp.split('-')[1];
  const span = (tp: string) => tp.split('-')[2];
  assert.match(inner.traceparent, /^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
  assert.equal(trace(inner.traceparent), trace(outer.traceparent), 'one trace');
  assert.notEqual(span(inner.traceparent), span(outer.traceparent), 'its own span');
  // A request no encoder would send is refused before the handler runs, as on the wire.
  seen.length = 0;
  await assert.rejects(relay.relay({ sleepMs: 1.5 }), (e: unknown) => e instanceof BricksError && e.code === 'invalid_argument');
  assert.equal(seen.length, 0);
});
