// Free loopback ports, asked of the kernel: bind port 0, read the port, let it go.
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { RuntimeError } from './errors.ts';

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', (err) => reject(new RuntimeError('no-free-port', `no free port on ${host}: ${err.message}`, { cause: err })));
    server.listen(0, host, () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** True when `port` can be bound on `host` right now. */
export function portIsFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}
