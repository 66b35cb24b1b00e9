// Clients that are not the SDK: a stock @grpc/grpc-js client and a plain fetch with JSON.
// Also the plain HTTP endpoints on the same port: /healthz, /readyz, /metrics.
import assert from 'node:assert/strict';
import { Counter, register } from 'prom-client';
import { test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { serve } from './index.ts';
import { echoImpl } from '../testing/echo-service.ts';
import { EchoRequestSchema, EchoResponseSchema, FailRequestSchema, FailResponseSchema } from '../testing/gen/bricks/test/v1/test_pb.ts';

async function start(t: { after: (fn: () => Promise<void>) => void }) {
  const server = await serve({ services: [echoImpl({ replica: 'r' })], host: '127.0.0.1', port: 0, handleSignals: false, drainDelayMs: 0, env: {} });
  t.after(() => server.shutdown());
  return server;
}

test('a stock grpc-js client calls the server, and gets status codes', async (t) => {
  const server = await start(t);
  const c = new grpc.Client(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure());
  t.after(async () => c.close());
  const unary = <Req, Res>(path: string, ser: (r: Req) => Buffer, de: (b: Buffer) => Res, req: Req, md = new grpc.Metadata()) =>
    new Promise<Res>((resolve, reject) =>
      c.makeUnaryRequest(path, ser, de, req, md, { deadline: Date.now() + 2000 }, (err, res) => (err ? reject(err) : resolve(res!))),
    );
  const md = new grpc.Metadata();
  md.set('x-echo', 'from-grpc-js');
  const res = await unary(
    '/bricks.test.v1.EchoService/Echo',
    (r: ReturnType<typeof create<typeof EchoRequestSchema>>) => Buffer.from(toBinary(EchoRequestSchema, r)),
    (b) => fromBinary(EchoResponseSchema, b),
    create(EchoRequestSchema, { text: 'hi', number: 42n }),
    md,
  );
  assert.equal(res.text, 'hi');
  assert.equal(res.number, 42n);
  assert.equal(res.header, 'from-grpc-js');
  await assert.rejects(
    unary(
      '/bricks.test.v1.EchoService/Fail',
      (r: ReturnType<typeof create<typeof FailRequestSchema>>) => Buffer.from(toBinary(FailRequestSchema, r)),
      (b) => fromBinary(FailResponseSchema, b),
      create(FailRequestSchema, { code: 'permission_denied', message: 'no' }),
    ),
    (e: grpc.ServiceError) => e.code === grpc.status.PERMISSION_DENIED && e.details === 'no',
  );
});

test('a plain fetch with JSON calls the server (Connect protocol over HTTP/1.1)', async (t) => {
  const server = await start(t);
  const res = await fetch(`${server.url}/bricks.test.v1.EchoService/Echo`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-echo': 'from-fetch' },
    body: JSON.stringify({ text: 'json', number: '7', labels: { k: 'v' } }),
  });
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { text: 'json', number: '7', labels: { k: 'v' }, header: 'from-fetch', replica: 'r' });
  const bad = await fetch(`${server.url}/bricks.test.v1.EchoService/Fail`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ code: 'not_found', message: 'missing' }),
  });
  assert.equal(bad.status, 404);
  assert.deepEqual(await bad.json(), { code: 'not_found', message: 'missing' });
});

test('health, readiness and metrics answer on the same port', async (t) => {
  const server = await start(t);
  assert.equal((await fetch(`${server.url}/healthz`)).status, 200);
  assert.equal((await fetch(`${server.url}/readyz`)).status, 200);
  await fetch(`${server.url}/bricks.test.v1.EchoService/Echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  // A service's own metric, registered the usual way (prom-client's default registry).
  const own = new Counter({ name: 'interop_test_things_total', help: 'Things done.' });
  t.after(() => register.removeSingleMetric('interop_test_things_total'));
  own.inc(3);
  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  assert.match(metrics, /^interop_test_things_total 3$/m);
  assert.match(metrics, /rpc_server_call_duration_seconds_count\{rpc_system="connect_rpc",rpc_service="bricks\.test\.v1\.EchoService",rpc_method="Echo",rpc_grpc_status_code="0",transport="connect"\} [1-9]/);
  assert.match(metrics, /process_cpu_user_seconds_total/);
  assert.match(metrics, /nodejs_eventloop_lag_seconds/);
  assert.match(metrics, /nodejs_heap_size_used_bytes/);
});
