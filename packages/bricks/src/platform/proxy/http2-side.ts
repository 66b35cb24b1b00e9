// The HTTP/2 cleartext side (prior knowledge: what gRPC clients speak). Every stream is balanced
// on its own onto one multiplexed session per endpoint, so a single client connection's calls
// spread over all replicas. Bodies are piped with HTTP/2 flow control as back-pressure, and
// trailers are carried both ways (gRPC puts its status in them).
import http2 from 'node:http2';
import net from 'node:net';
import type { EndpointState } from './endpoints.ts';
import { ProxyError, type ProxyErrorCode } from './errors.ts';
import type { ProxyCore } from './proxy-core.ts';
import { COLD_START_HEADER, encodeGrpcMessage, errorBody, grpcUnavailable, isGrpc, NO_ENDPOINT_RETRY_AFTER_S } from './replies.ts';
import { RequestMetrics } from './request-metrics.ts';
import { closeProxySpan, openProxySpan, type OpenProxySpan } from './proxy-span.ts';

const { NGHTTP2_CANCEL, NGHTTP2_REFUSED_STREAM, NGHTTP2_NO_ERROR, NGHTTP2_FLAG_END_STREAM } = http2.constants;

interface UpstreamSession {
  readonly session: http2.ClientHttp2Session;
  /** The connection is up: streams opened from now on reach the replica. */
  connected: boolean;
  /** Request bodies waiting for the connection (one list, not a listener per stream). */
  readonly onConnect: Array<() => void>;
}

/** Headers HTTP/2 forbids or that describe one hop; none may be forwarded (RFC 9113 §8.2.2). */
const hopByHop = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'host', 'http2-settings']);

function idempotent(method: string): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS';
}

function authority(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Copies string-keyed headers, leaving out hop-by-hop ones and (optionally) pseudo-headers. */
function copyHeaders(from: http2.IncomingHttpHeaders, keepPseudo: boolean): http2.OutgoingHttpHeaders {
  const out: http2.OutgoingHttpHeaders = {};
  for (const name of Object.keys(from)) {
    if (hopByHop.has(name)) continue;
    if (!keepPseudo && name.startsWith(':')) continue;
    out[name] = from[name];
  }
  return out;
}

/** grpc-status of a trailers block (or a trailers-only response's headers); null when absent. */
function grpcStatusOf(headers: http2.IncomingHttpHeaders | http2.OutgoingHttpHeaders | undefined): number | null {
  const v = headers?.['grpc-status'];
  if (v === undefined) return null;
  const n = Number(Array.isArray(v) ? v[0] : v);
  return Number.isInteger(n) ? n : null;
}

function joined(value: string | string[] | undefined): string {
  if (value === undefined) return '';
  return Array.isArray(value) ? value.join(', ') : value;
}

export class Http2Side {
  private readonly server: http2.Http2Server;
  private readonly upstream = new Map<EndpointState, UpstreamSession>();
  private readonly inbound = new Set<http2.ServerHttp2Session>();

  constructor(private readonly core: ProxyCore) {
    this.server = http2.createServer();
    this.server.on('stream', (stream, headers) => {
      new H2Exchange(this.core, this, stream, headers).start();
    });
    this.server.on('session', (session) => {
      this.inbound.add(session);
      session.on('close', () => this.inbound.delete(session));
    });
    this.server.on('sessionError', () => {
      // The session is torn down with its socket; its streams see the error themselves.
    });
  }

  /** Takes over a client connection whose first bytes (already read) are the HTTP/2 preface. */
  accept(socket: net.Socket, first: Buffer): void {
    socket.pause();
    socket.unshift(first);
    this.server.emit('connection', socket);
  }

  /** The endpoint's session, opened on first use. */
  session(endpoint: EndpointState): UpstreamSession {
    const existing = this.upstream.get(endpoint);
    if (existing !== undefined && !existing.session.closed && !existing.session.destroyed) return existing;
    const session = http2.connect(authority(endpoint.host, endpoint.port), {
      createConnection: () => net.connect({ host: endpoint.host, port: endpoint.port, noDelay: true }),
    });
    const entry: UpstreamSession = { session, connected: false, onConnect: [] };
    const forget = (): void => {
      if (this.upstream.get(endpoint) === entry) this.upstream.delete(endpoint);
    };
    session.on('connect', () => {
      entry.connected = true;
      for (const start of entry.onConnect.splice(0)) start();
    });
    session.on('error', () => {
      // Every stream of the session fails with it and is handled there.
    });
    session.on('goaway', forget);
    session.on('close', () => {
      entry.onConnect.length = 0;
      forget();
    });
    this.upstream.set(endpoint, entry);
    return entry;
  }

  /** Stops new streams to the endpoint; streams in flight finish (graceful GOAWAY). */
  closeSession(endpoint: EndpointState): void {
    const entry = this.upstream.get(endpoint);
    if (entry === undefined) return;
    this.upstream.delete(endpoint);
    entry.session.close();
  }

  close(): void {
    for (const entry of this.upstream.values()) entry.session.destroy();
    this.upstream.clear();
    for (const session of this.inbound) session.destroy();
    this.inbound.clear();
  }
}

/** One client stream and its (at most two) attempts upstream. */
class H2Exchange {
  private readonly method: string;
  private readonly path: string;
  private readonly grpc: boolean;
  private readonly endStream: boolean;
  private readonly outHeaders: http2.OutgoingHttpHeaders;
  private attempt = 0;
  private responded = false;
  private bodyStarted = false;
  private requestTrailers: http2.IncomingHttpHeaders | undefined;
  private responseTrailers: http2.OutgoingHttpHeaders | undefined;
  private cancelWait: (() => void) | null = null;
  /** How long this stream waited for a ready endpoint; 0 when it did not. */
  private waitedMs = 0;
  private readonly startedAt = RequestMetrics.start();
  /** The HTTP status the client was answered with (0: none yet) and, for gRPC, grpc-status. */
  private status = 0;
  private grpcStatus: number | null = null;
  private up: http2.ClientHttp2Stream | null = null;
  /** The proxy's span of this stream, when it is traced. */
  private span: OpenProxySpan | undefined = undefined;
  private readonly tracestate: string;

  constructor(
    private readonly core: ProxyCore,
    private readonly side: Http2Side,
    private readonly stream: http2.ServerHttp2Stream,
    headers: http2.IncomingHttpHeaders,
  ) {
    this.method = headers[':method'] ?? 'GET';
    this.path = headers[':path'] ?? '/';
    this.grpc = isGrpc(headers['content-type'] ?? '');
    this.endStream = stream.endAfterHeaders;
    const out = copyHeaders(headers, true);
    const session = stream.session;
    const ip = session?.socket?.remoteAddress ?? 'unknown';
    const bare = ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
    const xff = joined(headers['x-forwarded-for']);
    const fwd = joined(headers.forwarded);
    const forFor = bare.includes(':') ? `for="[${bare}]"` : `for=${bare}`;
    out['x-forwarded-for'] = xff === '' ? bare : `${xff}, ${bare}`;
    out.forwarded = fwd === '' ? forFor : `${fwd}, ${forFor}`;
    // A traced request goes on under the proxy's own span (proxy-span.ts).
    const tp = headers.traceparent;
    if (core.onSpan !== undefined && typeof tp === 'string') {
      this.span = openProxySpan(tp);
      if (this.span !== undefined) out.traceparent = this.span.traceparent;
    }
    this.tracestate = joined(headers.tracestate);
    this.outHeaders = out;
  }

  start(): void {
    this.core.requests++;
    const stream = this.stream;
    stream.on('error', () => {
      // A client reset; 'close' cleans up.
    });
    stream.on('trailers', (trailers: http2.IncomingHttpHeaders) => {
      this.requestTrailers = trailers;
    });
    stream.on('wantTrailers', () => {
      stream.sendTrailers(this.responseTrailers ?? {});
    });
    stream.on('close', () => {
      const grpcStatus = this.grpc ? (this.grpcStatus ?? grpcStatusOf(this.responseTrailers)) : null;
      if (this.status !== 0) this.core.metrics.done(this.startedAt, 'h2c', this.status, grpcStatus);
      if (this.span !== undefined) this.core.onSpan?.(closeProxySpan(this.span, { service: this.core.service, protocol: 'h2c', method: this.method, status: this.status, grpcStatus, waitedMs: this.waitedMs, tracestate: this.tracestate }));
      if (this.cancelWait !== null) {
        this.cancelWait();
        this.cancelWait = null;
      }
      if (this.up !== null && !this.up.closed) this.up.close(NGHTTP2_CANCEL);
    });
    this.dispatch(undefined);
  }

  private dispatch(avoid: EndpointState | undefined): EndpointState | undefined {
    const endpoint = this.core.endpoints.pick(avoid);
    if (endpoint === undefined) {
      this.waitForEndpoint();
      return undefined;
    }
    this.send(endpoint);
    return endpoint;
  }

  private waitForEndpoint(): void {
    this.cancelWait = this.core.waitForEndpoint(
      (waitedMs) => {
        this.cancelWait = null;
        this.waitedMs = waitedMs;
        this.dispatch(undefined);
      },
      (waitedMs) => {
        this.cancelWait = null;
        this.noEndpoint(waitedMs);
      },
    );
  }

  private noEndpoint(waitedMs: number): void {
    this.core.noEndpoint++;
    this.core.failures++;
    this.core.emit({ kind: 'no-endpoint', service: this.core.service, protocol: 'h2c', method: this.method, path: this.path, waitedMs });
    this.replyError(503, 'no-endpoint', `no ready endpoint for service ${this.core.service}`, NO_ENDPOINT_RETRY_AFTER_S);
  }

  private send(endpoint: EndpointState): void {
    this.attempt++;
    this.core.acquire(endpoint);
    const entry = this.side.session(endpoint);
    let up: http2.ClientHttp2Stream;
    try {
      up = entry.session.request(this.outHeaders, { endStream: this.endStream, waitForTrailers: !this.endStream });
    } catch (err) {
      // The session went away between lookup and use (GOAWAY, stream ids used up).
      entry.session.close();
      this.core.release(endpoint);
      this.failed(endpoint, new ProxyError('upstream-connect', `endpoint ${endpoint.id}: ${err instanceof Error ? err.message : String(err)}`, { cause: err }), false);
      return;
    }
    this.up = up;
    let released = false;
    up.on('error', () => {
      // 'close' follows with the reset code.
    });
    up.on('wantTrailers', () => {
      up.sendTrailers(this.requestTrailers === undefined ? {} : copyHeaders(this.requestTrailers, false));
    });
    up.on('response', (headers, flags) => {
      if (this.stream.closed || this.stream.destroyed) return;
      this.responded = true;
      endpoint.served++;
      const out = copyHeaders(headers, false);
      out[':status'] = headers[':status'];
      this.status = Number(headers[':status']) || 200;
      if (this.grpc) this.grpcStatus = grpcStatusOf(headers);
      if (this.waitedMs > 0) out[COLD_START_HEADER] = `${this.waitedMs}ms`;
      // A trailers-only reply (gRPC errors): END_STREAM on the headers. `endAfterHeaders` is
      // not set for responses, so the frame flags tell.
      if ((flags & NGHTTP2_FLAG_END_STREAM) !== 0) {
        this.stream.respond(out, { endStream: true });
        return;
      }
      this.stream.respond(out, { waitForTrailers: true });
      up.pipe(this.stream);
    });
    up.on('trailers', (trailers: http2.IncomingHttpHeaders) => {
      this.responseTrailers = copyHeaders(trailers, false);
    });
    up.on('close', () => {
      if (!released) {
        released = true;
        this.core.release(endpoint);
      }
      if (this.up === up) this.up = null;
      this.upstreamClosed(endpoint, entry.connected, up.rstCode ?? NGHTTP2_NO_ERROR);
    });
    if (!this.endStream) {
      // Body bytes flow only once the connection is up: until then a failed connect leaves the
      // client's body unread, so the request can still go elsewhere.
      const startBody = (): void => {
        if (this.up !== up || up.closed) return;
        this.bodyStarted = true;
        this.stream.pipe(up);
      };
      if (entry.connected) startBody();
      else entry.onConnect.push(startBody);
    }
  }

  private upstreamClosed(endpoint: EndpointState, connected: boolean, rstCode: number): void {
    const stream = this.stream;
    if (this.responded) {
      // A reset after the response started is passed on as a reset; a clean end is piped.
      if (rstCode !== NGHTTP2_NO_ERROR && !stream.closed) stream.close(rstCode);
      return;
    }
    if (stream.closed || stream.destroyed) return;
    let code: ProxyErrorCode = 'upstream-closed';
    if (!connected) code = 'upstream-connect';
    else if (rstCode === NGHTTP2_REFUSED_STREAM) code = 'upstream-refused';
    const error = new ProxyError(code, `endpoint ${endpoint.id} ${code === 'upstream-connect' ? 'could not be connected' : `ended the stream before responding (code ${rstCode})`}`);
    const unread = !this.bodyStarted || this.endStream;
    const retry = unread && (code !== 'upstream-closed' || (idempotent(this.method) && this.endStream));
    this.failed(endpoint, error, retry);
  }

  private failed(endpoint: EndpointState, error: ProxyError, retryable: boolean): void {
    if (error.code === 'upstream-connect') this.core.endpoints.markConnectFailure(endpoint);
    const retry = retryable && this.attempt === 1 && !this.core.closed;
    this.core.emit({ kind: 'upstream-error', service: this.core.service, protocol: 'h2c', endpointId: endpoint.id, code: error.code, message: error.message, retried: retry });
    if (!retry) {
      this.core.failures++;
      this.replyError(502, error.code, error.message);
      return;
    }
    this.core.retries++;
    const next = this.dispatch(endpoint);
    this.core.emit({ kind: 'retry', service: this.core.service, protocol: 'h2c', method: this.method, path: this.path, fromEndpoint: endpoint.id, toEndpoint: next?.id ?? '', reason: error.code });
  }

  private replyError(status: 502 | 503, code: ProxyErrorCode, message: string, retryAfterS?: number): void {
    const stream = this.stream;
    if (stream.closed || stream.destroyed || stream.headersSent) return;
    // The request body, if any, is not wanted any more; reading it lets the stream finish.
    stream.resume();
    this.status = this.grpc ? 200 : status;
    if (this.grpc) {
      this.grpcStatus = grpcUnavailable;
      // Trailers-only response: status and grpc-status in one HEADERS frame that ends the stream.
      stream.respond(
        {
          ':status': 200,
          'content-type': 'application/grpc',
          'grpc-status': String(grpcUnavailable),
          'grpc-message': encodeGrpcMessage(message),
          ...(retryAfterS === undefined ? {} : { 'grpc-retry-pushback-ms': String(retryAfterS * 1000) }),
        },
        { endStream: true },
      );
      return;
    }
    const body = errorBody(this.core.service, code, message);
    stream.respond({ ':status': status, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...(retryAfterS === undefined ? {} : { 'retry-after': String(retryAfterS) }) });
    stream.end(this.method === 'HEAD' ? undefined : body);
  }
}
