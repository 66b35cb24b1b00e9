// The gRPC interop rows: the same stock @grpc/grpc-js client calling a grpc-js server and a
// bricks SDK server (serve(), gRPC over h2c on its one port), unary and server-streaming.
import { serveBench } from './bricks-sdk.ts';
import { grpcJsClient, serveGrpcJs, TICKS_PER_CALL } from './grpc-js.ts';
import type { Peer } from './peer.ts';

async function serveBricks(): Promise<{ port: number; close: () => Promise<void> }> {
  const server = await serveBench();
  return { port: server.port, close: () => server.shutdown() };
}

export const grpcInteropPeers = {
  'grpcjs-to-grpcjs': { label: 'grpc-js client → @grpc/grpc-js server, unary', serve: serveGrpcJs, connect: (port) => grpcJsClient(port, false) },
  'grpcjs-to-bricks': { label: 'grpc-js client → bricks SDK server, unary', serve: serveBricks, connect: (port) => grpcJsClient(port, false) },
  'grpcjs-to-grpcjs-stream': { label: `grpc-js client → @grpc/grpc-js server, server stream of ${TICKS_PER_CALL}`, serve: serveGrpcJs, connect: (port) => grpcJsClient(port, true) },
  'grpcjs-to-bricks-stream': { label: `grpc-js client → bricks SDK server, server stream of ${TICKS_PER_CALL}`, serve: serveBricks, connect: (port) => grpcJsClient(port, true) },
} as const satisfies Record<string, Peer>;

export type GrpcInteropId = keyof typeof grpcInteropPeers;
