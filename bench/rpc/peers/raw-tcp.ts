// Row 6, the limit: length-prefixed echo over one TCP socket, no RPC layer and no protobuf
// (a pre-encoded message is echoed), replies matched in order.
import { connect, createServer } from 'node:net';
import type { Socket } from 'node:net';
import { toBinary } from '@bufbuild/protobuf';
import { EchoRequestSchema } from '../gen/bench/v1/bench_pb.ts';
import type { Peer } from './peer.ts';

/** Splits a byte stream into u32-length-prefixed messages; calls `onMessage` with each (prefix included). */
function framer(onMessage: (frame: Buffer) => void): (chunk: Buffer) => void {
  let rest: Buffer = Buffer.alloc(0);
  return (chunk) => {
    let data = rest.length === 0 ? chunk : Buffer.concat([rest, chunk]);
    while (data.length >= 4 && data.length >= 4 + data.readUInt32BE(0)) {
      const end = 4 + data.readUInt32BE(0);
      onMessage(data.subarray(0, end));
      data = data.subarray(end);
    }
    rest = data;
  };
}

export const rawTcpPeer: Peer = {
  label: 'raw TCP ping-pong (length-prefixed echo, the limit)',
  async serve() {
    const sockets = new Set<Socket>();
    const server = createServer({ noDelay: true }, (socket) => {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.once('close', () => sockets.delete(socket));
      // Every complete message of a chunk is echoed in one write.
      socket.on('data', (chunk: Buffer) => {
        const out: Buffer[] = [];
        framer((m) => out.push(m))(chunk);
        if (out.length > 0) socket.write(out.length === 1 ? out[0]! : Buffer.concat(out));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return {
      port: (server.address() as { port: number }).port,
      close: () =>
        new Promise<void>((resolve) => {
          for (const s of sockets) s.destroy();
          server.close(() => resolve());
        }),
    };
  },
  async connect(port) {
    const socket = connect({ host: '127.0.0.1', port, noDelay: true });
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    // Replies come back in order; at most ~100 wait, so shift() is cheap enough.
    const waiting: (() => void)[] = [];
    socket.on('data', framer(() => waiting.shift()?.()));
    const body = toBinary(EchoRequestSchema, { $typeName: 'bench.v1.EchoRequest', name: 'player-42', n: 42 });
    const message = Buffer.alloc(4 + body.length);
    message.writeUInt32BE(body.length, 0);
    message.set(body, 4);
    return {
      call: () =>
        new Promise<void>((resolve) => {
          waiting.push(resolve);
          socket.write(message);
        }),
      async close() {
        socket.destroy();
      },
    };
  },
};
