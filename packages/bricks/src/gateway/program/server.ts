// The gateway program's HTTP server, a replica like an SDK server: /healthz and /readyz (and
// /metrics) beside the routes, the READY notice to the platform, and a graceful stop: not ready
// first, then stop accepting, finish the requests in flight (up to the grace), close.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { METRICS_CONTENT_TYPE, metricsText, type Logger } from '@bricks/sdk';
import type { RequestListener } from './edge-hook.ts';

export interface GatewayServerOptions {
  readonly handler: RequestListener;
  readonly host?: string;
  /** 0: any free port (tests). */
  readonly port: number;
  /** From SIGTERM to the last response (the stack's stop_grace_period). */
  readonly graceMs: number;
  /** How long to keep serving after turning not-ready, so balancers notice first. */
  readonly drainDelayMs: number;
  readonly logger: Logger;
}

export interface GatewayServer {
  readonly port: number;
  readonly url: string;
  readonly ready: boolean;
  shutdown(): Promise<void>;
}

export async function startGatewayServer(opts: GatewayServerOptions): Promise<GatewayServer> {
  let ready = false;
  let draining = false;
  // Requests running per socket: a drain closes the idle keep-alive ones at once, the others after their answer.
  const active = new Map<Socket, number>();
  let idle: (() => void) | undefined;

  const server = createServer((req, res) => {
    const sock = req.socket;
    active.set(sock, (active.get(sock) ?? 0) + 1);
    res.once('close', () => {
      const n = (active.get(sock) ?? 1) - 1;
      if (n === 0) active.delete(sock);
      else active.set(sock, n);
      if (draining && n === 0) sock.end();
      if (active.size === 0) idle?.();
    });
    if (draining) res.setHeader('connection', 'close');
    if (platformRoute(req, res, ready)) return;
    opts.handler(req, res);
  });
  server.keepAliveTimeout = 65_000; // above the usual 60 s idle timeout of balancers in front, so they close first

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  ready = true;
  const port = (server.address() as AddressInfo).port;

  let stopping: Promise<void> | undefined;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    get ready() {
      return ready;
    },
    shutdown() {
      stopping ??= (async () => {
        const deadline = Date.now() + opts.graceMs;
        ready = false;
        opts.logger.info({ drainDelayMs: opts.drainDelayMs, inFlight: active.size }, 'shutting down: not ready');
        await delay(opts.drainDelayMs);
        draining = true;
        const closed = new Promise<void>((r) => server.close(() => r()));
        server.closeIdleConnections();
        if (active.size > 0) await Promise.race([new Promise<void>((r) => (idle = r)), delay(deadline - Date.now())]);
        server.closeAllConnections();
        await closed;
        opts.logger.info('shut down');
      })();
      return stopping;
    },
  };
}

/** The replica's own endpoints, as every SDK server has them; false for everything else. */
function platformRoute(req: IncomingMessage, res: ServerResponse, ready: boolean): boolean {
  if (req.method !== 'GET') return false;
  const q = (req.url ?? '').indexOf('?');
  const url = req.url ?? '';
  const path = q < 0 ? url : url.slice(0, q);
  switch (path) {
    case '/healthz':
      send(res, 200, 'text/plain', 'ok\n');
      return true;
    case '/readyz':
      send(res, ready ? 200 : 503, 'text/plain', ready ? 'ready\n' : 'not ready\n');
      return true;
    case '/metrics':
      metricsText().then(
        (text) => send(res, 200, METRICS_CONTENT_TYPE, text),
        () => send(res, 500, 'text/plain', 'metrics failed\n'),
      );
      return true;
    default:
      return false;
  }
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, ms)).unref());
}
