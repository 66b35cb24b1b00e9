// The listener behind one service address: it sniffs each connection's first bytes to tell
// HTTP/2 prior knowledge from HTTP/1.x, hands it to that side, and applies endpoint changes
// (new ones wake parked requests; removed ones get no new work and their idle connections close).
import net from 'node:net';
import { ProxyError } from './errors.ts';
import { Http1Connection } from './http1-connection.ts';
import { Http2Side } from './http2-side.ts';
import { ProxyCore } from './proxy-core.ts';
import type { Endpoint, ServiceProxy, ServiceProxyOptions } from './types.ts';

/** How long a request waits for a first ready endpoint by default: long enough to ride out a
 * replica restart or a scale-from-zero start of a small Node service (about 1-2 s), short
 * enough to answer before common client timeouts (5 s and up) fire. */
export const defaultWaitForEndpointMs = 3000;

/** Requests held at once while no endpoint is ready: a burst at zero replicas fits, a flood does not. */
export const defaultMaxWaiting = 1000;

const h2Preface = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/** True/false once the bytes decide it; undefined while they are a strict prefix of the preface. */
function isH2Preface(buf: Buffer): boolean | undefined {
  const n = Math.min(buf.length, h2Preface.length);
  if (buf.compare(h2Preface, 0, n, 0, n) !== 0) return false;
  return n === h2Preface.length ? true : undefined;
}

export async function startServiceProxy(options: ServiceProxyOptions): Promise<ServiceProxy> {
  const core = new ProxyCore(options.service, {
    waitForEndpointMs: options.waitForEndpointMs ?? defaultWaitForEndpointMs,
    maxWaiting: options.maxWaiting ?? defaultMaxWaiting,
    onEvent: options.onEvent,
    onDemand: options.onDemand,
    onSpan: options.onSpan,
  });
  const h2 = new Http2Side(core);
  const sockets = new Set<net.Socket>();

  const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let sniffed: Buffer | null = null;
    const sniff = (chunk: Buffer): void => {
      sniffed = sniffed === null ? chunk : Buffer.concat([sniffed, chunk]);
      const h2c = isH2Preface(sniffed);
      if (h2c === undefined) return;
      socket.removeListener('data', sniff);
      socket.removeListener('end', early);
      socket.removeListener('error', ignore);
      if (h2c) h2.accept(socket, sniffed);
      else {
        // The connection moves to a socket of its own (see read-buffer-socket.ts); that one is
        // what close() must destroy.
        const conn = new Http1Connection(socket, core);
        sockets.add(conn.socket);
        conn.socket.on('close', () => sockets.delete(conn.socket));
        conn.start(sniffed);
      }
    };
    const early = (): void => {
      socket.destroy();
    };
    const ignore = (): void => {};
    socket.on('data', sniff);
    socket.on('end', early);
    socket.on('error', ignore);
  });

  const host = options.host ?? '127.0.0.1';
  const bound = new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => reject(new ProxyError('bind-failed', `service ${options.service}: cannot listen on ${host}:${options.port}: ${err.message}`, { cause: err }));
    server.once('error', onError);
    server.listen({ host, port: options.port }, () => {
      server.removeListener('error', onError);
      resolve();
    });
  });
  try {
    await bound;
  } catch (err) {
    core.pool.close();
    h2.close();
    throw err;
  }
  server.on('error', () => {
    // Accept errors (e.g. EMFILE) are transient; the listener keeps going.
  });
  const address = server.address() as net.AddressInfo;

  let closing: Promise<void> | undefined;
  return {
    service: options.service,
    port: address.port,
    setEndpoints(endpoints: readonly Endpoint[]): void {
      if (core.closed) return;
      const change = core.endpoints.set(endpoints);
      for (const endpoint of [...change.removed, ...change.moved]) {
        core.pool.closeIdle(endpoint);
        h2.closeSession(endpoint);
      }
      if (core.endpoints.size > 0 && core.waiters.size > 0) core.waiters.wake();
    },
    inflight: (endpointId) => core.endpoints.inflight(endpointId),
    drained: (endpointId, timeoutMs) => core.endpoints.drained(endpointId, timeoutMs),
    stats: () => ({
      requests: core.requests,
      retries: core.retries,
      failures: core.failures,
      noEndpoint: core.noEndpoint,
      served: core.endpoints.servedCounts(),
    }),
    load: () => core.load(),
    metrics: () => ({ requests: core.metrics.series(), waits: core.metrics.waits() }),
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        core.closed = true;
        core.waiters.clear();
        server.close(() => resolve());
        h2.close();
        for (const socket of sockets) socket.destroy();
        core.pool.close();
      });
      return closing;
    },
  };
}
