// A plain TCP listener for the fast transport alone (tests, benchmarks). A service that shares
// one port with HTTP sniffs the first chunk itself and calls FastServer.acceptSocket.
import { createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { FastServer } from './server.ts';
import type { FastServerOptions } from './server.ts';
import type { FastHandler } from './server-connection.ts';

export interface FastListener {
  readonly server: FastServer;
  readonly port: number;
  /** Stops accepting, then closes the FastServer with `graceMs` for calls in flight. */
  close(graceMs?: number): Promise<void>;
}

/** Listens on 127.0.0.1 unless `host` says otherwise; port 0 picks a free port. */
export async function listenFast(handler: FastHandler, port: number, opts: FastServerOptions & { host?: string } = {}): Promise<FastListener> {
  const fast = new FastServer(handler, opts);
  // Sockets that have not sent their first chunk yet belong to no FastServer connection;
  // close() destroys them, or net.close() would wait for them forever.
  const silent = new Set<Socket>();
  const net: Server = createServer({ noDelay: true }, (socket) => {
    silent.add(socket);
    socket.on('error', () => {
      // Reset before the first chunk: nothing to clean up but the socket itself.
    });
    socket.once('close', () => silent.delete(socket));
    socket.once('data', (chunk: Buffer) => {
      silent.delete(socket);
      fast.acceptSocket(socket, chunk);
    });
  });
  await new Promise<void>((resolve, reject) => {
    net.once('error', reject);
    net.listen(port, opts.host ?? '127.0.0.1', () => {
      net.off('error', reject);
      resolve();
    });
  });
  const address = net.address();
  const bound = typeof address === 'object' && address !== null ? address.port : port;
  return {
    server: fast,
    port: bound,
    async close(graceMs = 0) {
      const stopped = new Promise<void>((resolve) => net.close(() => resolve()));
      for (const s of silent) s.destroy();
      await fast.close(graceMs);
      await stopped;
    },
  };
}
