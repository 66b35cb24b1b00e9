// Real gRPC through the proxy: a @grpc/grpc-js client on one channel, two grpc-js servers as
// replicas. Calls must spread over both, and errors and metadata must come back intact.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { startServiceProxy } from './index.ts';
import { waitFor } from './testing/upstreams.ts';

/** Bytes in, bytes out: no protobuf needed to exercise the wire. */
const echoService: grpc.ServiceDefinition = {
  echo: {
    path: '/bench.v1.Echo/Echo',
    requestStream: false,
    responseStream: false,
    requestSerialize: (b: Buffer) => b,
    requestDeserialize: (b: Buffer) => b,
    responseSerialize: (b: Buffer) => b,
    responseDeserialize: (b: Buffer) => b,
  },
};

async function replica(t: TestContext, id: string): Promise<{ port: number; calls: () => number }> {
  let calls = 0;
  const server = new grpc.Server();
  server.addService(echoService, {
    echo: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
      calls++;
      if (call.request.toString() === 'fail') {
        callback({ code: grpc.status.FAILED_PRECONDITION, details: `refused by ${id}` });
        return;
      }
      call.sendMetadata(new grpc.Metadata());
      callback(null, Buffer.from(`${id}:${call.request.toString()}`));
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err === null ? resolve(p) : reject(err)));
  });
  t.after(() => server.forceShutdown());
  return { port, calls: () => calls };
}

test('a grpc-js channel through the proxy spreads unary calls over both replicas', async (t) => {
  const a = await replica(t, 'a');
  const b = await replica(t, 'b');
  const proxy = await startServiceProxy({ service: 'echo', port: 0 });
  t.after(() => proxy.close());
  proxy.setEndpoints([
    { id: 'a', host: '127.0.0.1', port: a.port },
    { id: 'b', host: '127.0.0.1', port: b.port },
  ]);
  const Client = grpc.makeGenericClientConstructor(echoService, 'Echo');
  const client = new Client(`127.0.0.1:${proxy.port}`, grpc.credentials.createInsecure());
  t.after(() => client.close());
  const echo = (msg: string): Promise<string> =>
    new Promise((resolve, reject) => {
      (client as unknown as { echo: (req: Buffer, cb: (err: grpc.ServiceError | null, res?: Buffer) => void) => void }).echo(Buffer.from(msg), (err, res) =>
        err === null ? resolve(res!.toString()) : reject(err),
      );
    });
  const replies = [];
  for (let i = 0; i < 6; i++) replies.push(await echo(`m${i}`));
  assert.deepEqual(replies.map((r) => r.split(':')[1]), ['m0', 'm1', 'm2', 'm3', 'm4', 'm5']);
  assert.equal(a.calls(), 3);
  assert.equal(b.calls(), 3);
  await assert.rejects(echo('fail'), (err: grpc.ServiceError) => err.code === grpc.status.FAILED_PRECONDITION && /refused by/u.test(err.details));
  // The platform's metrics count each call by its gRPC status, read from the trailers.
  const byCode = (): Record<string, number> => Object.fromEntries(proxy.metrics().requests.map((r) => [`${r.protocol} ${r.status} ${String(r.grpcStatus)}`, r.count]));
  await waitFor('all seven calls measured', () => Object.values(byCode()).reduce((a, b) => a + b, 0) === 7);
  assert.deepEqual(byCode(), { 'h2c 200 0': 6, [`h2c 200 ${grpc.status.FAILED_PRECONDITION}`]: 1 });
});
