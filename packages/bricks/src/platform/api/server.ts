// The control API: HTTP + JSON on loopback, every route but discovery behind the bearer token
// that the daemon writes to `.bricks/token` (0600), or a dashboard session (see WebFront).
// Streams (events, logs) are NDJSON. Paths outside /v1 are the dashboard's.
import { timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError } from './errors.ts';

export type Handler = (req: ApiRequest) => Promise<ApiResponse>;

export interface ApiRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: unknown;
  /** Aborted when the client goes away: streams stop on it. */
  readonly signal: AbortSignal;
}

export type ApiResponse =
  | { readonly kind: 'json'; readonly body: unknown; readonly status?: number }
  /** Lines are written as they come; the stream ends when the iterator does or the client leaves. */
  | { readonly kind: 'stream'; readonly lines: AsyncIterable<unknown> }
  | { readonly kind: 'text'; readonly body: string; readonly contentType: string };

export interface Route {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  /** Discovery is read by replicas, which have no token. */
  readonly public?: boolean;
  readonly handler: Handler;
}

/** Request bodies are small JSON commands; anything larger is a mistake. */
const MAX_BODY = 1 << 20;

/**
 * What else the listener serves: the dashboard (src/dashboard). It answers every path outside
 * /v1, and admits /v1 requests that come with a session instead of the token.
 */
export interface WebFront {
  handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void>;
  /** Throws the ApiError to answer with when the request may not use the route. */
  admit(req: IncomingMessage): void;
}

const API_PREFIX = '/v1/';

export interface ApiServer {
  readonly url: string;
  /** Starts answering with these routes; until then every request is `unavailable`. */
  serve(routes: readonly Route[], web?: WebFront): void;
  close(): Promise<void>;
}

/**
 * Binds the listener before the routes exist: the daemon's parts need the API's address (replicas
 * are told where discovery is) before the routes that serve them can be made.
 */
export async function listenApi(token: string, preferredPort = 0): Promise<ApiServer> {
  const expected = Buffer.from(`Bearer ${token}`);
  let routes: readonly Route[] | null = null;
  let web: WebFront | null = null;
  const server = createServer((req, res) => {
    void serve(req, res).catch((err: unknown) => sendError(res, ApiError.from(err)));
  });

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (routes === null) throw new ApiError('unavailable', 'the bricks daemon is still starting');
    const url = new URL(req.url ?? '/', 'http://bricks');
    if (web !== null && !url.pathname.startsWith(API_PREFIX)) return web.handle(req, res, url);
    const route = routes.find((r) => r.path === url.pathname && r.method === req.method);
    if (route === undefined) {
      const known = routes.some((r) => r.path === url.pathname);
      throw new ApiError(known ? 'bad-request' : 'not-found', `${req.method} ${url.pathname} is not part of the control API`);
    }
    if (route.public !== true) {
      const given = Buffer.from(req.headers.authorization ?? '');
      const bearer = given.length === expected.length && timingSafeEqual(given, expected);
      if (!bearer && web !== null) web.admit(req);
      else if (!bearer) throw new ApiError('unauthenticated', 'missing or wrong token: read it from .bricks/token of the project');
    }
    const controller = new AbortController();
    res.on('close', () => controller.abort());
    const body = req.method === 'POST' ? await readJson(req) : undefined;
    const result = await route.handler({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, body, signal: controller.signal });
    switch (result.kind) {
      case 'json':
        res.writeHead(result.status ?? 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(result.body));
        return;
      case 'text':
        res.writeHead(200, { 'content-type': result.contentType });
        res.end(result.body);
        return;
      case 'stream':
        res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-cache' });
        res.flushHeaders();
        for await (const line of result.lines) {
          if (controller.signal.aborted) break;
          res.write(`${JSON.stringify(line)}\n`);
        }
        res.end();
        return;
    }
  }

  // The port it had before when it is free (see PersistedState.apiPort), else any.
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      if (preferredPort === 0 || err.code !== 'EADDRINUSE') return reject(err);
      server.listen(0, '127.0.0.1', resolve);
    };
    server.once('error', onError);
    server.listen(preferredPort, '127.0.0.1', () => {
      server.off('error', onError);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    serve: (table, front) => {
      if (routes !== null) throw new Error('the control API already serves its routes');
      routes = table;
      web = front ?? null;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function sendError(res: ServerResponse, err: ApiError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(err.status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: { code: err.code, message: err.message } }));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new ApiError('bad-request', `request body over ${MAX_BODY} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new ApiError('bad-request', `request body is not JSON: ${String(err)}`, { cause: err });
  }
}

/** Turns a subscription into an async iterable that ends when `signal` aborts. */
export function streamOf<T>(subscribe: (push: (value: T) => void) => () => void, signal: AbortSignal, initial: readonly T[] = []): AsyncIterable<T> {
  return {
    async *[Symbol.asyncIterator]() {
      const queue: T[] = [...initial];
      let wake: (() => void) | null = null;
      const unsubscribe = subscribe((v) => {
        queue.push(v);
        wake?.();
      });
      const onAbort = (): void => wake?.();
      signal.addEventListener('abort', onAbort);
      try {
        while (!signal.aborted) {
          const next = queue.shift();
          if (next !== undefined) {
            yield next;
            continue;
          }
          await new Promise<void>((r) => (wake = r));
          wake = null;
        }
      } finally {
        unsubscribe();
        signal.removeEventListener('abort', onAbort);
      }
    },
  };
}
