// Row 3: @grpc/grpc-js generic client and server with protobuf-es as the serializers.
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import * as grpc from '@grpc/grpc-js';
import { EchoRequestSchema, EchoResponseSchema, TicksRequestSchema } from '../gen/bench/v1/bench_pb.ts';
import type { EchoRequest, EchoResponse, TicksRequest } from '../gen/bench/v1/bench_pb.ts';
import type { Peer, PeerClient, PeerServer } from './peer.ts';

const definition = {
  echo: {
    path: '/bench.v1.BenchService/Echo',
    requestStream: false,
    responseStream: false,
    requestSerialize: (m: EchoRequest) => Buffer.from(toBinary(EchoRequestSchema, m)),
    requestDeserialize: (b: Buffer) => fromBinary(EchoRequestSchema, b),
    responseSerialize: (m: EchoResponse) => Buffer.from(toBinary(EchoResponseSchema, m)),
    responseDeserialize: (b: Buffer) => fromBinary(EchoResponseSchema, b),
  },
  ticks: {
    path: '/bench.v1.BenchService/Ticks',
    requestStream: false,
    responseStream: true,
    requestSerialize: (m: TicksRequest) => Buffer.from(toBinary(TicksRequestSchema, m)),
    requestDeserialize: (b: Buffer) => fromBinary(TicksRequestSchema, b),
    responseSerialize: (m: EchoResponse) => Buffer.from(toBinary(EchoResponseSchema, m)),
    responseDeserialize: (b: Buffer) => fromBinary(EchoResponseSchema, b),
  },
} satisfies grpc.ServiceDefinition;

/** Messages per server-streaming call in the streaming rows. */
export const TICKS_PER_CALL = 10;

/** A stock grpc-js client of BenchService at `port`, whatever serves it; `stream` makes each call a server stream. */
export async function grpcJsClient(port: number, stream: boolean): Promise<PeerClient> {
  const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const d = definition.echo;
  const t = definition.ticks;
  const ticks: TicksRequest = { $typeName: 'bench.v1.TicksRequest', name: 'player-42', count: TICKS_PER_CALL };
  return {
    call: stream
      ? () =>
          new Promise<void>((resolve, reject) => {
            let got = 0;
            const call = client.makeServerStreamRequest(t.path, t.requestSerialize, t.responseDeserialize, ticks);
            call.on('data', () => got++);
            call.on('error', reject);
            call.on('end', () => (got === TICKS_PER_CALL ? resolve() : reject(new Error(`got ${got} of ${TICKS_PER_CALL} messages`))));
          })
      : (req) =>
          new Promise<void>((resolve, reject) => {
            client.makeUnaryRequest(d.path, d.requestSerialize, d.responseDeserialize, req, (err) => (err ? reject(err) : resolve()));
          }),
    async close() {
      client.close();
    },
  };
}

export async function serveGrpcJs(): Promise<PeerServer> {
  const server = new grpc.Server();
  server.addService(definition, {
    echo: (call: grpc.ServerUnaryCall<EchoRequest, EchoResponse>, cb: grpc.sendUnaryData<EchoResponse>) => {
      cb(null, { $typeName: 'bench.v1.EchoResponse', name: call.request.name, n: call.request.n });
    },
    ticks: (call: grpc.ServerWritableStream<TicksRequest, EchoResponse>) => {
      for (let n = 1; n <= call.request.count; n++) call.write({ $typeName: 'bench.v1.EchoResponse', name: call.request.name, n });
      call.end();
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return { port, close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())) };
}

export const grpcJsPeer: Peer = {
  label: '@grpc/grpc-js',
  serve: serveGrpcJs,
  connect: (port) => grpcJsClient(port, false),
};
