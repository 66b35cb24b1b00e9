// Row 1: the bricks fast path, FastClient → FastServer with protobuf-es encode/decode.
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { FastClient, listenFast } from '../../../packages/sdk/src/transport/fast/index.ts';
import { EchoRequestSchema, EchoResponseSchema } from '../gen/bench/v1/bench_pb.ts';
import type { Peer } from './peer.ts';

const PATH = '/bench.v1.BenchService/Echo';

export const fastPeer: Peer = {
  label: 'bricks fast path (FastClient/FastServer)',
  async serve() {
    const listener = await listenFast(async (_path, payload) => {
      const req = fromBinary(EchoRequestSchema, payload);
      return { payload: toBinary(EchoResponseSchema, { $typeName: 'bench.v1.EchoResponse', name: req.name, n: req.n }) };
    }, 0);
    return { port: listener.port, close: () => listener.close(1000) };
  },
  async connect(port) {
    const client = new FastClient({ host: '127.0.0.1', port });
    return {
      async call(req) {
        const reply = await client.call(PATH, toBinary(EchoRequestSchema, req), { timeoutMs: 10_000, headers: {} });
        fromBinary(EchoResponseSchema, reply.payload);
      },
      close: () => client.close(),
    };
  },
};
