// One client connection speaking HTTP/1.x. Each request is balanced on its own: its head is
// parsed, it goes to the endpoint the balancer picks over a pooled keep-alive connection, and
// the response comes back with bodies streamed in both directions (never buffered whole).
// Exchanges run one at a time; pipelined requests wait in the buffer. After a 101 the
// connection becomes a byte tunnel to that one endpoint.
import type net from 'node:net';
import { BodyTracker } from './body-framing.ts';
import type { EndpointState } from './endpoints.ts';
import { ProxyError } from './errors.ts';
import { HeadMemo } from './head-memo.ts';
import { clientAddress, parseRequestHead, parseResponseHead, type ClientAddress, type RequestHead, type ResponseHead } from './http1-head.ts';
import type { UpstreamConn, UpstreamOwner } from './http1-pool.ts';
import type { ProxyCore } from './proxy-core.ts';
import { adoptWithReadBuffer } from './read-buffer-socket.ts';
import { RequestMetrics } from './request-metrics.ts';
import { closeProxySpan, openProxySpan, type OpenProxySpan } from './proxy-span.ts';
import { COLD_START_HEADER, http1ErrorReply, NO_ENDPOINT_RETRY_AFTER_S } from './replies.ts';

const crlfCrlf = Buffer.from('\r\n\r\n', 'latin1');
/** Every client connection reads into this one buffer, as upstream connections share theirs
 * (see http1-pool.ts): each read is handled synchronously before the next, so whatever is kept
 * past the read (pending bytes, bodies queued for writing) is copied first. 64 KiB: what Node
 * reads per call. */
const clientReadBuffer = Buffer.allocUnsafe(64 * 1024);

/** Heads above 64 KiB are refused: four times Node's own 16 KiB header limit, so anything a
 * replica or client built with Node accepts passes through. */
const maxHeadBytes = 64 * 1024;
/** Client bytes buffered while an exchange is not reading them (pipelined requests, a body
 * waiting for its upstream connection) before the client is paused. One socket read's worth. */
const maxBufferedBytes = 64 * 1024;
/** Bodies up to this size that arrive with their head are sent in the same write as the head.
 * 16 KiB is a judgement, not a measurement: copying that much costs about what the second
 * write syscall it saves does, and most JSON/RPC bodies are far smaller. */
const smallBodyBytes = 16 * 1024;
/** After we end a connection, the client gets this long to read the rest and close its side
 * before the socket is destroyed (a reset could discard response bytes it has not read). */
const lingerMs = 5000;

type Phase =
  /** Waiting for (the rest of) a request head. */
  | 'head'
  /** Head parsed; waiting for an endpoint or for the upstream connection. */
  | 'dispatch'
  /** Request head sent; streaming the request body. */
  | 'body'
  /** Request sent whole; waiting for the response to finish. */
  | 'response'
  /** After a 101: bytes flow both ways until either side closes. */
  | 'tunnel'
  | 'closed';

/** A copy of `buf[start, end)` that may outlive the shared upstream read buffer. */
function copy(buf: Buffer, start: number, end: number): Buffer {
  const out = Buffer.allocUnsafe(end - start);
  buf.copy(out, 0, start, end);
  return out;
}

function idempotent(method: string): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS';
}

export class Http1Connection implements UpstreamOwner {
  private phase: Phase = 'head';
  /** Client bytes not consumed yet: a partial head, an unsent body, pipelined requests. */
  private pending: Buffer | null = null;
  private req: RequestHead | null = null;
  private readonly reqBody = new BodyTracker();
  private readonly resBody = new BodyTracker();
  private endpoint: EndpointState | null = null;
  private up: UpstreamConn | null = null;
  private attempt = 0;
  /** Request bytes went to the current upstream connection: it may have reached the replica. */
  private requestWritten = false;
  private resHead: Buffer | null = null;
  private resStarted = false;
  /** Some response bytes (a 1xx or the final head) reached the client: no retry any more. */
  private clientGotBytes = false;
  private resUntilClose = false;
  private resKeepAlive = false;
  private closeAfter = false;
  private clientEnded = false;
  private clientPaused = false;
  private upstreamPaused = false;
  private cancelWait: (() => void) | null = null;
  /** How long the current request waited for a ready endpoint; 0 when it did not. */
  private waitedMs = 0;
  /** When the current request arrived (RequestMetrics.start) and the status it was answered with. */
  private startedAt = 0;
  private status = 0;
  /** The proxy's span of the current request, when it is traced. */
  private span: OpenProxySpan | undefined = undefined;
  private readonly client: ClientAddress;
  /** The client's last request head: a repeated one is not parsed again. */
  private readonly requestMemo = new HeadMemo<RequestHead>();
  /** The client connection (taken over from the accepted socket to read into the shared buffer). */
  readonly socket: net.Socket;

  constructor(
    accepted: net.Socket,
    private readonly core: ProxyCore,
  ) {
    const socket = adoptWithReadBuffer(accepted, {
      buffer: clientReadBuffer,
      callback: (n) => {
        this.onData(clientReadBuffer.subarray(0, n), true);
        return true;
      },
    });
    this.socket = socket;
    this.client = clientAddress(socket.remoteAddress);
    socket.on('end', () => this.onEnd());
    socket.on('drain', () => this.onClientDrain());
    socket.on('close', () => this.onClose());
    socket.on('timeout', () => socket.destroy());
    socket.on('error', () => {
      // 'close' follows and cleans up; a client reset is not the proxy's failure.
    });
  }

  /** Feeds the bytes read while the listener sniffed the protocol. */
  start(first: Buffer): void {
    this.onData(first, false);
  }

  // ---- client side ----

  /** `shared` chunks live in the shared read buffer: valid only during this call. */
  private onData(chunk: Buffer, shared: boolean): void {
    switch (this.phase) {
      case 'head':
        if (this.pending === null) {
          this.processHead(chunk, shared);
        } else {
          this.appendPending(chunk);
          this.processHead(this.pending, false);
        }
        return;
      case 'body':
        this.forwardBody(chunk, shared);
        return;
      case 'dispatch':
      case 'response':
        this.appendPending(chunk);
        if (this.pending!.length > maxBufferedBytes) this.pauseClient();
        return;
      case 'tunnel':
        if (!this.up!.socket.write(shared ? copy(chunk, 0, chunk.length) : chunk)) this.pauseClient();
        return;
      case 'closed':
        return;
    }
  }

  /** Keeps `chunk` (copied: it may be shared) after the pending bytes. */
  private appendPending(chunk: Buffer): void {
    this.pending = this.pending === null ? copy(chunk, 0, chunk.length) : Buffer.concat([this.pending, chunk]);
  }

  private pauseClient(): void {
    if (this.clientPaused) return;
    this.clientPaused = true;
    this.socket.pause();
  }

  private resumeClient(): void {
    if (!this.clientPaused) return;
    this.clientPaused = false;
    this.socket.resume();
  }

  private onClientDrain(): void {
    if (this.upstreamPaused && this.up !== null) {
      this.upstreamPaused = false;
      this.up.socket.resume();
    }
  }

  private onEnd(): void {
    this.clientEnded = true;
    switch (this.phase) {
      case 'head':
        // Between requests (or mid-head, which can no longer complete): close our side too.
        this.endClient();
        return;
      case 'body':
        // The request body can never complete.
        this.socket.destroy();
        return;
      case 'tunnel':
        this.up?.socket.end();
        return;
      case 'dispatch':
      case 'response':
      case 'closed':
        // The exchange in flight finishes first; finishExchange ends the connection.
        return;
    }
  }

  private onClose(): void {
    this.phase = 'closed';
    this.pending = null;
    if (this.cancelWait !== null) {
      this.cancelWait();
      this.cancelWait = null;
    }
    if (this.up !== null) {
      this.up.discard();
      this.up = null;
    }
    if (this.endpoint !== null) {
      this.core.release(this.endpoint);
      this.endpoint = null;
    }
  }

  /** Ends the client connection gracefully; destroys it if the client does not close. */
  private endClient(): void {
    this.phase = 'closed';
    this.pending = null;
    this.socket.setTimeout(lingerMs);
    this.socket.end();
  }

  /** Parses the request head at the start of `buf`, which is `pending` or (when nothing was
   * pending) a chunk just read, `shared` if it lives in the read buffer. */
  private processHead(buf: Buffer, shared: boolean): void {
    // A small read (any request without a big body) is scanned as one latin1 string, which V8
    // searches faster than Buffer#indexOf does. The bound is the small-body one: a body that
    // size becomes a string for its write anyway; a bigger read is not converted just to scan it.
    const text = buf.length <= smallBodyBytes ? buf.toString('latin1') : undefined;
    const end = text === undefined ? buf.indexOf(crlfCrlf) : text.indexOf('\r\n\r\n');
    if (end === -1 || end > maxHeadBytes) {
      if (buf.length > maxHeadBytes) this.rejectClient(431, new ProxyError('head-too-large', `request head exceeds ${maxHeadBytes} bytes`));
      else if (shared) this.pending = copy(buf, 0, buf.length);
      return;
    }
    const headText = text === undefined ? buf.toString('latin1', 0, end) : text.slice(0, end);
    let head = this.requestMemo.get(headText, false);
    if (head === undefined) {
      try {
        head = parseRequestHead(headText, this.client);
      } catch (err) {
        this.rejectClient(400, ProxyError.from(err, 'bad-request'));
        return;
      }
      this.requestMemo.set(headText, false, head, buf.length);
    }
    this.pending = end + 4 >= buf.length ? null : shared ? copy(buf, end + 4, buf.length) : buf.subarray(end + 4);
    this.core.requests++;
    this.startedAt = RequestMetrics.start();
    this.status = 0;
    // A traced request goes on under the proxy's own span (proxy-span.ts).
    const sink = this.core.onSpan;
    this.span = sink !== undefined && head.traceparent !== '' ? openProxySpan(head.traceparent) : undefined;
    if (this.span !== undefined) head = { ...head, forwardHead: head.forwardHead.replace(head.traceparent, this.span.traceparent) };
    this.req = head;
    this.attempt = 0;
    this.reqBody.reset(head.framing);
    this.closeAfter = !head.keepAlive;
    this.clientGotBytes = false;
    this.phase = 'dispatch';
    this.dispatch(undefined);
  }

  private rejectClient(status: 400 | 431, error: ProxyError): void {
    this.core.emit({ kind: 'bad-request', service: this.core.service, code: error.code, message: error.message });
    const reply = http1ErrorReply({
      status,
      service: this.core.service,
      code: error.code,
      message: error.message,
      contentType: '',
      method: '',
      connection: 'close',
    });
    this.socket.write(reply);
    this.endClient();
  }

  // ---- picking an endpoint ----

  /** Sends the current request to an endpoint other than `avoid` when one is ready. */
  private dispatch(avoid: EndpointState | undefined): EndpointState | undefined {
    const endpoint = this.core.endpoints.pick(avoid);
    if (endpoint === undefined) {
      this.waitForEndpoint();
      return undefined;
    }
    const req = this.req!;
    this.attempt++;
    this.endpoint = endpoint;
    this.core.acquire(endpoint);
    this.requestWritten = false;
    this.resStarted = false;
    this.resHead = null;
    // An upgrade gets its own connection (it becomes a tunnel); a retry avoids pooled ones,
    // which may be as stale as the one that just failed.
    const up = this.core.pool.acquire(endpoint, this, req.upgrade !== '' || avoid !== undefined);
    this.up = up;
    if (up.connected) this.sendRequest(up);
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
    const req = this.req!;
    this.core.noEndpoint++;
    this.core.failures++;
    this.core.emit({ kind: 'no-endpoint', service: this.core.service, protocol: req.upgrade === '' ? 'http1' : 'upgrade', method: req.method, path: req.target, waitedMs });
    this.replyError(503, 'no-endpoint', `no ready endpoint for service ${this.core.service}`, NO_ENDPOINT_RETRY_AFTER_S);
  }

  private replyError(status: 502 | 503, code: ProxyError['code'], message: string, retryAfterS?: number): void {
    const req = this.req!;
    // A body the client is still sending cannot be skipped reliably: close after the reply.
    if (!this.reqBody.done) this.closeAfter = true;
    const connection = this.closeAfter ? 'close' : req.http10 ? 'keep-alive' : 'default';
    this.status = status;
    this.socket.write(http1ErrorReply({ status, service: this.core.service, code, message, contentType: req.contentType, method: req.method, connection, ...(retryAfterS === undefined ? {} : { retryAfterS }) }));
    this.finishExchange();
  }

  // ---- request towards the endpoint ----

  onUpstreamConnect(up: UpstreamConn): void {
    if (up === this.up) this.sendRequest(up);
  }

  private sendRequest(up: UpstreamConn): void {
    const req = this.req!;
    this.requestWritten = true;
    if (this.reqBody.done) {
      this.phase = 'response';
      up.socket.write(req.forwardHead, 'latin1');
      return;
    }
    this.phase = 'body';
    const pending = this.pending;
    this.pending = null;
    if (pending === null) up.socket.write(req.forwardHead, 'latin1');
    else this.forwardBody(pending, false, req.forwardHead);
    if (this.phase === 'body') {
      if (this.clientEnded) this.socket.destroy();
      else if (!this.upstreamWantsDrain(up)) this.resumeClient();
    }
  }

  private upstreamWantsDrain(up: UpstreamConn): boolean {
    return up.socket.writableNeedDrain;
  }

  /** Forwards the body bytes at the start of `chunk` (`shared` as in onData), after `head` when
   * the head is not sent yet. */
  private forwardBody(chunk: Buffer, shared: boolean, head?: string): void {
    const up = this.up!;
    let end: number;
    try {
      end = this.reqBody.feed(chunk, 0, chunk.length);
    } catch (err) {
      // The endpoint already has part of this body; nothing sensible can follow.
      const error = ProxyError.from(err, 'bad-request');
      this.core.emit({ kind: 'bad-request', service: this.core.service, code: error.code, message: error.message });
      this.socket.destroy();
      return;
    }
    let ok = true;
    if (head !== undefined && end <= smallBodyBytes) {
      // A small body that came with its head goes out with it in one write.
      ok = up.socket.write(head + chunk.toString('latin1', 0, end), 'latin1');
    } else {
      if (head !== undefined) up.socket.write(head, 'latin1');
      if (end > 0) ok = up.socket.write(shared ? copy(chunk, 0, end) : end === chunk.length ? chunk : chunk.subarray(0, end));
    }
    if (!this.reqBody.done) {
      if (!ok) this.pauseClient();
      return;
    }
    if (end < chunk.length) this.appendPending(chunk.subarray(end));
    this.phase = 'response';
  }

  onUpstreamDrain(up: UpstreamConn): void {
    if (up === this.up && (this.phase === 'body' || this.phase === 'tunnel')) this.resumeClient();
  }

  // ---- response from the endpoint ----

  /** `data` is only valid during this call (see UpstreamOwner): whatever is kept or queued
   * for writing is copied first. */
  onUpstreamData(up: UpstreamConn, data: Buffer): void {
    if (up !== this.up) {
      up.discard();
      return;
    }
    if (this.phase === 'tunnel') {
      if (!this.socket.write(copy(data, 0, data.length))) this.pauseUpstream(up);
      return;
    }
    if (this.resStarted) {
      this.forwardResponseBody(up, data, 0);
      return;
    }
    const buf = this.resHead === null ? data : Buffer.concat([this.resHead, data]);
    this.resHead = null;
    // The read becomes one latin1 string: V8 finds the head's end in it faster than
    // Buffer#indexOf does, the head and body are slices of it, and respond() writes the
    // body from it, so no byte is converted twice.
    const text = buf.toString('latin1');
    for (let at = 0; ; ) {
      const end = text.indexOf('\r\n\r\n', at);
      if (end === -1 || end - at > maxHeadBytes) {
        if (buf.length - at > maxHeadBytes) this.upstreamFailed(new ProxyError('upstream-protocol', `response head exceeds ${maxHeadBytes} bytes`));
        else this.resHead = copy(buf, at, buf.length);
        return;
      }
      const headText = text.slice(at, end);
      // The parse depends on the request only through whether it was a HEAD (no body follows).
      const method = this.req!.method;
      let head = up.responseMemo.get(headText, method === 'HEAD');
      if (head === undefined) {
        try {
          head = parseResponseHead(headText, method);
        } catch (err) {
          this.upstreamFailed(ProxyError.from(err, 'upstream-protocol'));
          return;
        }
        up.responseMemo.set(headText, method === 'HEAD', head, text.length);
      }
      const rest = end + 4;
      if (head.status >= 200) {
        this.respond(up, head, buf, text, rest);
        return;
      }
      if (head.status === 101) {
        if (this.req!.upgrade === '') this.upstreamFailed(new ProxyError('upstream-protocol', '101 to a request that did not ask to upgrade'));
        else this.startTunnel(up, buf, text.slice(at, rest), rest);
        return;
      }
      // 1xx informational (100 Continue, 103 Early Hints): passed on as is; the final
      // response follows on the same connection.
      this.clientGotBytes = true;
      this.socket.write(text.slice(at, rest), 'latin1');
      if (rest >= buf.length) return;
      at = rest;
    }
  }

  /** `text` is `buf` as latin1; the response's body starts at `rest` in both. */
  private respond(up: UpstreamConn, head: ResponseHead, buf: Buffer, text: string, rest: number): void {
    const req = this.req!;
    this.resStarted = true;
    this.clientGotBytes = true;
    this.endpoint!.served++;
    this.status = head.status;
    this.resKeepAlive = head.keepAlive;
    this.resUntilClose = head.framing.kind === 'until-close';
    this.resBody.reset(head.framing);
    // An unframed body ends at close; an early response leaves an unread request body.
    if (this.resUntilClose || !this.reqBody.done) this.closeAfter = true;
    const cold = this.waitedMs > 0 ? `${COLD_START_HEADER}: ${this.waitedMs}ms\r\n` : '';
    const tail = cold + (this.closeAfter ? 'connection: close\r\n\r\n' : req.http10 ? 'connection: keep-alive\r\n\r\n' : '\r\n');
    let end = rest;
    if (rest < buf.length) {
      try {
        end = this.resBody.feed(buf, rest, buf.length);
      } catch (err) {
        this.upstreamFailed(new ProxyError('upstream-protocol', err instanceof Error ? err.message : String(err), { cause: err }));
        return;
      }
    }
    // The common small response: head and whole body in one read go out in one write (a
    // latin1 string is copied out of the shared read buffer as it is made).
    const ok = this.socket.write(end > rest ? head.forwardHead + tail + text.slice(rest, end) : head.forwardHead + tail, 'latin1');
    if (this.resBody.done) {
      if (end < buf.length) this.resKeepAlive = false;
      this.completeResponse();
    } else if (!ok) {
      this.pauseUpstream(up);
    }
  }

  private forwardResponseBody(up: UpstreamConn, chunk: Buffer, start: number): void {
    let end: number;
    try {
      end = this.resBody.feed(chunk, start, chunk.length);
    } catch (err) {
      this.upstreamFailed(new ProxyError('upstream-protocol', err instanceof Error ? err.message : String(err), { cause: err }));
      return;
    }
    if (end > start && !this.socket.write(copy(chunk, start, end))) {
      this.pauseUpstream(up);
    }
    if (!this.resBody.done) return;
    // Bytes past the response mean the endpoint is out of step: do not reuse the connection.
    if (end < chunk.length) this.resKeepAlive = false;
    this.completeResponse();
  }

  private pauseUpstream(up: UpstreamConn): void {
    this.upstreamPaused = true;
    up.socket.pause();
  }

  private completeResponse(): void {
    const up = this.up!;
    const endpoint = this.endpoint!;
    this.up = null;
    this.endpoint = null;
    if (this.upstreamPaused) {
      this.upstreamPaused = false;
      up.socket.resume();
    }
    if (this.resKeepAlive && this.reqBody.done) this.core.pool.release(up);
    else up.discard();
    this.core.release(endpoint);
    this.finishExchange();
  }

  private finishExchange(): void {
    if (this.req !== null && this.status !== 0) this.core.metrics.done(this.startedAt, this.req.upgrade === '' ? 'http1' : 'upgrade', this.status, null);
    if (this.span !== undefined && this.req !== null) {
      this.core.onSpan?.(closeProxySpan(this.span, { service: this.core.service, protocol: 'http1', method: this.req.method, status: this.status, grpcStatus: null, waitedMs: this.waitedMs, tracestate: this.req.tracestate }));
      this.span = undefined;
    }
    this.req = null;
    this.waitedMs = 0;
    if (this.closeAfter || (this.clientEnded && this.pending === null)) {
      this.endClient();
      return;
    }
    this.phase = 'head';
    this.resumeClient();
    if (this.pending !== null) this.processHead(this.pending, false);
    else if (this.clientEnded) this.endClient();
  }

  onUpstreamEnd(up: UpstreamConn): void {
    if (up !== this.up) {
      up.discard();
      return;
    }
    if (this.phase === 'tunnel') {
      this.socket.end();
      return;
    }
    if (this.resStarted && this.resUntilClose) {
      this.resKeepAlive = false;
      this.completeResponse();
      return;
    }
    this.upstreamFailed(new ProxyError('upstream-closed', `endpoint ${up.endpoint.id} closed the connection before the response was complete`));
  }

  onUpstreamClose(up: UpstreamConn, error: Error | undefined): void {
    if (up !== this.up) return;
    if (this.phase === 'tunnel') {
      // The tunnel is over once the endpoint's side is gone; the endpoint stays counted until
      // the client connection closes too (onClose).
      this.up = null;
      if (error !== undefined) this.socket.destroy();
      else this.endClient();
      return;
    }
    const code = up.connected ? 'upstream-closed' : 'upstream-connect';
    const what = up.connected ? 'closed the connection before the response was complete' : 'could not be connected';
    this.upstreamFailed(new ProxyError(code, `endpoint ${up.endpoint.id} ${what}${error === undefined ? '' : `: ${error.message}`}`, { cause: error }));
  }

  private upstreamFailed(error: ProxyError): void {
    const req = this.req!;
    const endpoint = this.endpoint!;
    this.up?.discard();
    this.up = null;
    this.endpoint = null;
    if (this.upstreamPaused) this.upstreamPaused = false;
    if (error.code === 'upstream-connect') this.core.endpoints.markConnectFailure(endpoint);
    this.core.release(endpoint);
    const protocol = req.upgrade === '' ? 'http1' : 'upgrade';
    const retry =
      !this.clientGotBytes &&
      this.attempt === 1 &&
      !this.core.closed &&
      (!this.requestWritten || error.code === 'upstream-connect' || (idempotent(req.method) && req.framing.kind === 'none'));
    this.core.emit({ kind: 'upstream-error', service: this.core.service, protocol, endpointId: endpoint.id, code: error.code, message: error.message, retried: retry });
    if (this.clientGotBytes) {
      // Part of the response is already with the client; cutting the connection is the only
      // way to tell it the response is incomplete.
      this.core.failures++;
      this.socket.destroy();
      return;
    }
    if (!retry) {
      this.core.failures++;
      this.replyError(502, error.code, error.message);
      return;
    }
    this.core.retries++;
    this.phase = 'dispatch';
    const next = this.dispatch(endpoint);
    this.core.emit({ kind: 'retry', service: this.core.service, protocol, method: req.method, path: req.target, fromEndpoint: endpoint.id, toEndpoint: next?.id ?? '', reason: error.code });
  }

  // ---- upgrade tunnel ----

  /** `head` is the 101 response head, blank line included; tunnel bytes follow at `rest` in `buf`. */
  private startTunnel(up: UpstreamConn, buf: Buffer, head: string, rest: number): void {
    this.phase = 'tunnel';
    this.resStarted = true;
    this.clientGotBytes = true;
    this.endpoint!.served++;
    // Measured to the upgrade: the tunnel's own life is the application's.
    this.core.metrics.done(this.startedAt, 'upgrade', 101, null);
    // The 101 head goes out verbatim: its Connection/Upgrade headers are the point of it.
    this.socket.write(head, 'latin1');
    if (rest < buf.length && !this.socket.write(copy(buf, rest, buf.length))) this.pauseUpstream(up);
    const pending = this.pending;
    this.pending = null;
    if (pending !== null && !up.socket.write(pending)) this.pauseClient();
    else this.resumeClient();
    if (this.clientEnded) up.socket.end();
    // The endpoint stays counted in flight until the client connection closes (onClose).
  }
}
