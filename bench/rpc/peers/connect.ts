// Row 4: plain connect-node, its server over h2c, called with the gRPC protocol.
import { createServer } from 'node:http2';
import type { Http2Server } from 'node:http2';
import { createClient } from '@connectrpc/connect';
import type { Transport } from '@connectrpc/connect';
import { connectNodeAdapter, createGrpcTransport } from '@connectrpc/connect-node';
import { BenchService } from '../gen/bench/v1/bench_pb.ts';
import type { Peer, PeerServer } from './peer.ts';

async function serveConnect(): Promise<PeerServer> {
  const handler = connectNodeAdapter({
    routes: (router) => router.service(BenchService, { echo: (req) => ({ name: req.name, n: req.n }) }),
  });
  const server: Http2Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function peer(label: string, transport: (baseUrl: string) => Transport): Peer {
  return {
    label,
    serve: serveConnect,
    async connect(port) {
      const client = createClient(BenchService, transport(`http://127.0.0.1:${port}`));
      return {
        async call(req) {
          await client.echo(req);
        },
        async close() {},
      };
    },
  };
}

export const connectGrpcPeer = peer('connect-node, gRPC protocol over h2c', (baseUrl) => createGrpcTransport({ baseUrl }));
