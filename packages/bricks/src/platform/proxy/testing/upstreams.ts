// Test replicas for the proxy's tests: real HTTP/1.1 and h2c servers on 127.0.0.1:0 that say
// which replica answered, record what they saw, and close every connection when closed.
import { createHash } from 'node:crypto';
import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import type { Endpoint } from '../types.ts';

export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

export interface TestUpstream {
  readonly id: string;
  readonly endpoint: Endpoint;
  /** Every request (or stream) that reached this replica, in arrival order. */
  readonly seen: SeenRequest[];
  /** Client connections currently open to this replica. */
  openConnections(): number;
  close(): Promise<void>;
}

export type Http1Handler = (req: http.IncomingMessage, res: http.ServerResponse, id: string) => void;

/** Default HTTP/1.1 behaviour: a body is streamed back as is; otherwise a small JSON reply. */
export const echoHandler: Http1Handler = (req, res, id) => {
  res.setHeader('x-upstream', id);
  if (req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined) {
    res.writeHead(200, { 'content-type': 'application/octet-stream' });
    req.pipe(res);
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ upstream: id, method: req.method, url: req.url, headers: req.headers }));
};

function trackSockets(server: net.Server): { sockets: Set<net.Socket> } {
  const sockets = new Set<net.Socket>();
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return { sockets };
}

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return (server.address() as net.AddressInfo).port;
}

function closer(server: net.Server, sockets: Set<net.Socket>): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    });
    return closing;
  };
}

/** An HTTP/1.1 replica; `handler` answers (default `echoHandler`); upgrades use `onUpgrade`. */
export async function startHttp1Upstream(
  id: string,
  handler: Http1Handler = echoHandler,
  onUpgrade?: (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => void,
): Promise<TestUpstream> {
  const seen: SeenRequest[] = [];
  const server = http.createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    handler(req, res, id);
  });
  server.on('upgrade', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    if (onUpgrade !== undefined) onUpgrade(req, socket, head);
    else socket.destroy();
  });
  const { sockets } = trackSockets(server);
  const port = await listen(server);
  return { id, endpoint: { id, host: '127.0.0.1', port }, seen, openConnections: () => sockets.size, close: closer(server, sockets) };
}

/** Upgrade handler that accepts any protocol and echoes the tunnel's bytes back. */
export function echoUpgrade(req: http.IncomingMessage, socket: net.Socket, head: Buffer): void {
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: ${req.headers.upgrade ?? ''}\r\n\r\n`);
  if (head.length > 0) socket.write(head);
  socket.pipe(socket);
}

export type H2Handler = (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, id: string) => void;

/** Default h2c behaviour, shaped like a gRPC call: echo the body, then grpc-status 0 trailers. */
export const grpcEchoHandler: H2Handler = (stream, _headers, id) => {
  stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'x-upstream': id }, { waitForTrailers: true });
  stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0', 'x-upstream': id }));
  stream.pipe(stream);
};

/** An h2c (prior knowledge) replica. */
export async function startH2cUpstream(id: string, handler: H2Handler = grpcEchoHandler): Promise<TestUpstream> {
  const seen: SeenRequest[] = [];
  const server = http2.createServer();
  server.on('stream', (stream, headers) => {
    seen.push({ method: headers[':method'] ?? '', url: headers[':path'] ?? '', headers });
    stream.on('error', () => {});
    handler(stream, headers, id);
  });
  server.on('sessionError', () => {});
  const { sockets } = trackSockets(server);
  const port = await listen(server);
  return { id, endpoint: { id, host: '127.0.0.1', port }, seen, openConnections: () => sockets.size, close: closer(server, sockets) };
}

/** An endpoint nothing listens on (a port that was free a moment ago): connects are refused. */
export async function refusingEndpoint(id: string): Promise<Endpoint> {
  const server = net.createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return { id, host: '127.0.0.1', port };
}

export interface Reply {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly trailers: NodeJS.Dict<string>;
  readonly body: Buffer;
}

export interface RequestOptions {
  readonly method?: string;
  readonly path?: string;
  readonly headers?: http.OutgoingHttpHeaders;
  readonly body?: Buffer | string;
  readonly agent?: http.Agent;
}

/** One HTTP/1.1 request to 127.0.0.1:port, body read whole. */
export function request(port: number, options: RequestOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path ?? '/', headers: options.headers, agent: options.agent ?? false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, trailers: res.trailers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Polls `check` every few milliseconds until it holds; throws after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}
