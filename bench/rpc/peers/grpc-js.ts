// Row 3: @grpc/grpc-js generic client and server with protobuf-es as the serializers.
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import * as grpc from '@grpc/grpc-js';
import { EchoRequestSchema, EchoResponseSchema } from '../gen/bench/v1/bench_pb.ts';
import type { EchoRequest, EchoResponse } from '../gen/bench/v1/bench_pb.ts';
import type { Peer } from './peer.ts';

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
} satisfies grpc.ServiceDefinition;

export const grpcJsPeer: Peer = {
  label: '@grpc/grpc-js',
  async serve() {
    const server = new grpc.Server();
    server.addService(definition, {
      echo: (call: grpc.ServerUnaryCall<EchoRequest, EchoResponse>, cb: grpc.sendUnaryData<EchoResponse>) => {
        cb(null, { $typeName: 'bench.v1.EchoResponse', name: call.request.name, n: call.request.n });
      },
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
    return { port, close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())) };
  },
  async connect(port) {
    const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const d = definition.echo;
    return {
      call: (req) =>
        new Promise<void>((resolve, reject) => {
          client.makeUnaryRequest(d.path, d.requestSerialize, d.responseDeserialize, req, (err) => (err ? reject(err) : resolve()));
        }),
      async close() {
        client.close();
      },
    };
  },
};
