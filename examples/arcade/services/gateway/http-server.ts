// The gateway's HTTP/1.1 server: health and metrics, the router, bodies with a size limit,
// BricksError codes as HTTP statuses, and a graceful stop (not ready, drain, finish in-flight).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BricksError, inRequestSpan, METRICS_CONTENT_TYPE, metricsText, WWW_AUTHENTICATE_HEADER, type Logger, type RequestSpan } from '@bricks/sdk';
import { httpStatusOf } from './http-status.ts';
import type { ApiResponse, Match, Router } from './router.ts';

export interface GatewayOptions {
  readonly router: Router;
  readonly host: string;
  /** 0: any free port (tests). */
  readonly port: number;
  /** Named in every response's `x-bricks-replica`, so a caller can see the balancing. */
  readonly replica: string;
  readonly logger: Logger;
  readonly maxBodyBytes: number;
  /** Time from shutdown() to the last response (Compose's stop_grace_period). */
  readonly graceMs: number;
  /** How long to keep serving after turning not-ready, so balancers notice first. */
  readonly drainDelayMs: number;
}

export interface GatewayServer {
  readonly port: number;
  readonly url: string;
  readonly ready: boolean;
  shutdown(): Promise<void>;
}

export async function startGateway(opts: GatewayOptions): Promise<GatewayServer> {
  let ready = false;
  let draining = false;
  let inFlight = 0;
  let idle: (() => void) | undefined;

  const server = createServer((req, res) => {
    inFlight++;
    res.once('close', () => {
      inFlight--;
      if (inFlight === 0) idle?.();
    });
    res.setHeader('x-bricks-replica', opts.replica);
    if (draining) res.setHeader('connection', 'close');
    handle(req, res).catch((err: unknown) => {
      opts.logger.error({ err }, 'request failed outside the router');
      if (!res.headersSent) sendJson(res, 500, { error: { code: 'internal', message: 'internal error' } });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://gateway');
    const method = req.method ?? 'GET';
    if (method === 'GET') {
      switch (url.pathname) {
        case '/healthz':
          return sendText(res, 200, 'ok\n');
        case '/readyz':
          return ready ? sendText(res, 200, 'ready\n') : sendText(res, 503, 'not ready\n');
        case '/metrics': {
          res.writeHead(200, { 'content-type': METRICS_CONTENT_TYPE });
          res.end(await metricsText());
          return;
        }
      }
    }
    const match = opts.router.match(method, url.pathname);
    switch (match.kind) {
      case 'not-found':
        return sendError(res, 404, 'not_found', `no route ${method} ${url.pathname}`);
      case 'method-not-allowed':
        res.setHeader('allow', match.allow.join(', '));
        return sendError(res, 405, 'invalid_argument', `${method} is not allowed on ${url.pathname}`);
      case 'found':
        break;
    }
    // One span per request, under the caller's traceparent: the SDK calls made for it are its children.
    const name = `${method} ${match.route}`;
    const attributes = { 'http.request.method': method, 'http.route': match.route, 'url.path': url.pathname };
    return inRequestSpan(name, { headers: req.headers, attributes }, async (span) => {
      res.setHeader('traceparent', span.traceparent);
      await respond(req, res, url, method, match, span);
      // The head is written by now; the span ends when this returns.
      span.setAttribute('http.response.status_code', res.statusCode);
    });
  }

  async function respond(req: IncomingMessage, res: ServerResponse, url: URL, method: string, match: Extract<Match, { kind: 'found' }>, span: RequestSpan): Promise<void> {
    const body = await readBody(req, opts.maxBodyBytes);
    if (body === undefined) {
      res.setHeader('connection', 'close');
      return sendError(res, 413, 'invalid_argument', `the body is larger than ${opts.maxBodyBytes} bytes`);
    }
    // The client went away before its answer: stop the calls made for it.
    const gone = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) gone.abort(new BricksError('cancelled', 'the client closed the connection'));
    });
    let answer: ApiResponse;
    try {
      answer = await match.handler({
        method,
        path: url.pathname,
        params: match.params,
        query: url.searchParams,
        headers: req.headers as Record<string, string | undefined>,
        body,
        signal: gone.signal,
      });
    } catch (err) {
      const e = BricksError.from(err);
      const status = httpStatusOf(e.code);
      if (status >= 500) {
        opts.logger.warn({ err: e, method, path: url.pathname }, 'request failed');
        span.fail(e.rawMessage);
      }
      return sendError(res, status, e.code, e.rawMessage, challengeOf(e, status));
    }
    switch (answer.kind) {
      case 'json':
        return sendJson(res, answer.status, answer.body);
      case 'bytes':
        res.writeHead(answer.status, { ...answer.headers, 'content-type': answer.contentType, 'content-length': answer.body.length });
        res.end(answer.body);
        return;
    }
  }

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
        opts.logger.info({ drainDelayMs: opts.drainDelayMs, inFlight }, 'shutting down: not ready');
        await delay(opts.drainDelayMs);
        draining = true;
        const closed = new Promise<void>((r) => server.close(() => r()));
        server.closeIdleConnections();
        if (inFlight > 0) await Promise.race([new Promise<void>((r) => (idle = r)), delay(deadline - Date.now())]);
        server.closeAllConnections();
        await closed;
        opts.logger.info({ inFlight }, 'shut down');
      })();
      return stopping;
    },
  };
}

/** The body, or undefined when it is larger than `max` (the rest is not read). */
async function readBody(req: IncomingMessage, max: number): Promise<Uint8Array | undefined> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > max) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function sendError(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { error: { code, message } }, headers);
}

/**
 * RFC 6750: a 401 says how to authenticate (WWW-Authenticate), a 403 for a missing scope says
 * which. The service's own challenge when its error carried one, else ours.
 */
function challengeOf(e: BricksError, status: number): Record<string, string> {
  const given = e.metadata.get(WWW_AUTHENTICATE_HEADER);
  if (given !== null) return { [WWW_AUTHENTICATE_HEADER]: given };
  if (status === 401) return { [WWW_AUTHENTICATE_HEADER]: 'Bearer realm="arcade"' };
  return {};
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, ms)).unref());
}
