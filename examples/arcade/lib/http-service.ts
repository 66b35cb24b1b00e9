// A plain HTTP service shell for arcade: listens on $PORT, answers health checks, and on
// SIGTERM turns not-ready, finishes what it is serving, and exits.
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';

export type Route = (req: IncomingMessage, url: URL) => Promise<{ status?: number; body: unknown } | null>;

export interface HttpService {
  readonly port: number;
  close(): Promise<void>;
}

export function serveHttp(name: string, route: Route): Promise<HttpService> {
  let ready = true;
  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => send(res, 500, { error: String(err) }));
  });
  // Keep-alive sockets would hold a stopping server open; answer with `connection: close` then.
  server.keepAliveTimeout = 5_000;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://local');
    if (url.pathname === '/healthz') return send(res, 200, { ok: true });
    if (url.pathname === '/readyz') return send(res, ready ? 200 : 503, { ready });
    if (!ready) res.setHeader('connection', 'close');
    const result = await route(req, url);
    if (result === null) return send(res, 404, { error: `no route ${req.method} ${url.pathname} in ${name}` });
    send(res, result.status ?? 200, result.body);
  }

  const port = Number(process.env.PORT ?? '8080');
  return new Promise((resolve) => {
    server.listen(port, '127.0.0.1', () => {
      log(name, 'info', `listening on ${port}`);
      const close = (): Promise<void> =>
        new Promise((done) => {
          ready = false;
          server.close(() => done());
          server.closeIdleConnections();
        });
      process.once('SIGTERM', () => {
        log(name, 'info', 'SIGTERM: finishing in-flight requests');
        void close().then(() => process.exit(0));
      });
      resolve({ port, close });
    });
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as unknown;
}

/** pino-shaped JSON lines, so `bricks logs` makes them readable. */
export function log(service: string, level: 'info' | 'warn' | 'error', msg: string, extra: Record<string, unknown> = {}): void {
  const levels = { info: 30, warn: 40, error: 50 };
  console.log(JSON.stringify({ level: levels[level], time: Date.now(), service, replica: process.env.BRICKS_REPLICA, msg, ...extra }));
}
