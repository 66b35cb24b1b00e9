// One accepted fast connection on the server: checks the preamble, decodes frames, runs the
// handler per request with its own AbortSignal and deadline, and drains on GOAWAY.
import type { Socket } from 'node:net';
import { clockNow } from '../../context/clock.ts';
import { FrameDecoder } from './decoder.ts';
import { FastCode, FastError } from './errors.ts';
import { encodeError, encodeGoaway, encodeResponse, HEADER_BYTES, MAX_TIMER_MS } from './frame.ts';
import type { Frame, Headers } from './frame.ts';
import { HeaderTableDecoder, TABLE_OFFER, TABLE_VERSION, takeTableHeader } from './header-table.ts';
import { FAST_PREAMBLE } from './preamble.ts';
import { ServerFlow, type FastCallContext, type FastStreamHandler } from './server-flow.ts';
import { FrameWriter } from './writer.ts';

export type { FastCallContext } from './server-flow.ts';

export type FastHandler = (
  path: string,
  payload: Uint8Array,
  ctx: FastCallContext,
) => Promise<{ payload: Uint8Array; headers?: Record<string, string> }>;

export interface ServerConnectionLimits {
  maxConcurrentCalls: number;
  maxFrameBytes: number;
}

/** What serves a connection's calls: unary ones, and streaming ones when there is a stream handler. */
export interface ServerHandlers {
  readonly unary: FastHandler;
  readonly stream: FastStreamHandler | undefined;
}

type ConnectionState =
  | { readonly tag: 'preamble'; readonly seen: number }
  | { readonly tag: 'open' }
  /** GOAWAY sent: streams up to `lastStreamId` finish, later ones are refused. */
  | { readonly tag: 'draining'; readonly lastStreamId: number }
  | { readonly tag: 'closed' };

/**
 * A running call. Its AbortController is made only when the handler reads `ctx.signal`:
 * creating one costs more than the rest of a small call (it was 15% of a profile).
 */
interface ServerStream {
  controller: AbortController | undefined;
  /** Set when the call ended before the handler asked for its signal. */
  reason: FastError | undefined;
  timer: NodeJS.Timeout | undefined;
  /** A streaming call's messages both ways; undefined for a unary call. */
  flow: ServerFlow | undefined;
  /** The request offered the header table: its response says this server takes it. */
  answerTable: boolean;
}

function signalOf(stream: ServerStream): AbortSignal {
  if (stream.controller === undefined) {
    stream.controller = new AbortController();
    if (stream.reason !== undefined) stream.controller.abort(stream.reason);
  }
  return stream.controller.signal;
}

/** How long a closing socket may take to flush its last frames before it is destroyed. */
const END_GRACE_MS = 1000; // generous for loopback and LAN peers; only a stuck peer waits this long

export class ServerConnection {
  private state: ConnectionState = { tag: 'preamble', seen: 0 };
  private readonly writer: FrameWriter;
  private readonly decoder: FrameDecoder;
  private readonly streams = new Map<number, ServerStream>();
  private lastStreamId = 0;
  readonly closed: Promise<void>;

  constructor(
    private readonly socket: Socket,
    private readonly handlers: ServerHandlers,
    private readonly limits: ServerConnectionLimits,
  ) {
    socket.setNoDelay(true);
    this.decoder = new FrameDecoder(limits.maxFrameBytes, new HeaderTableDecoder());
    // A client that does not read its responses stops being read: memory stays bounded by
    // the concurrent-call limit instead of growing with the socket's write queue.
    this.writer = new FrameWriter(socket, { onPressure: (full) => (full ? socket.pause() : socket.resume()) });
    // A socket that died before it was handed over has already emitted 'close'.
    this.closed = socket.destroyed ? Promise.resolve() : new Promise((resolve) => socket.once('close', () => resolve()));
    if (socket.destroyed) this.state = { tag: 'closed' };
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => {
      // A reset peer is routine; 'close' follows and cleans up.
    });
    socket.once('close', () => this.onClose());
  }

  get inFlight(): number {
    return this.streams.size;
  }

  /** Feeds bytes already read from the socket (the sniffed first chunk). */
  onData(chunk: Buffer): void {
    if (this.state.tag === 'closed') return;
    try {
      if (this.state.tag === 'preamble') {
        chunk = this.readPreamble(chunk);
        if (chunk.length === 0) return;
      }
      const violation = this.decoder.push(chunk, this.onFrame);
      if (violation !== undefined) this.fail(violation.code ?? FastCode.INTERNAL, `protocol error: ${violation.violation}`);
    } catch (err) {
      // Nothing above should throw; if it does, the connection goes, never the process.
      this.fail(FastCode.INTERNAL, `internal error: ${(err as Error).message}`);
    }
  }

  /** Sends GOAWAY: calls already received finish, later ones are refused, then the socket ends. */
  drain(): void {
    switch (this.state.tag) {
      case 'preamble':
        this.state = { tag: 'closed' };
        this.socket.destroy();
        return;
      case 'open':
        this.state = { tag: 'draining', lastStreamId: this.lastStreamId };
        this.writer.write(encodeGoaway(this.lastStreamId, 0, 'server closing'));
        this.endIfIdle();
        return;
      case 'draining':
      case 'closed':
        return;
      default: {
        const never: never = this.state;
        throw new Error(`unhandled state ${String(never)}`);
      }
    }
  }

  /** Grace is over: aborts what still runs, tells the client, closes. */
  abort(reason: string): void {
    for (const [id, stream] of this.streams) {
      // The frame goes first: ending the last stream may end the writer.
      this.writer.write(encodeError(id, FastCode.UNAVAILABLE, reason, false));
      this.endStream(id, stream, new FastError(FastCode.UNAVAILABLE, reason));
    }
    this.end();
  }

  private readPreamble(chunk: Buffer): Buffer {
    if (this.state.tag !== 'preamble') return chunk;
    let seen = this.state.seen;
    let i = 0;
    while (i < chunk.length && seen < FAST_PREAMBLE.length) {
      if (chunk[i] !== FAST_PREAMBLE[seen]) {
        this.state = { tag: 'closed' };
        this.socket.destroy();
        return Buffer.alloc(0);
      }
      i++;
      seen++;
    }
    this.state = seen === FAST_PREAMBLE.length ? { tag: 'open' } : { tag: 'preamble', seen };
    return chunk.subarray(i);
  }

  private readonly onFrame = (frame: Frame): void => {
    switch (frame.kind) {
      case 'request':
        this.onRequest(frame.streamId, frame.timeoutMs, frame.path, frame.headers, frame.payload, frame.stream);
        return;
      case 'message':
      case 'end':
      case 'window': {
        // Frames of a call that already ended are late, not wrong: the client sent them before it knew.
        const flow = this.streams.get(frame.streamId)?.flow;
        if (flow === undefined) {
          if (frame.streamId > this.lastStreamId) this.fail(FastCode.INTERNAL, `protocol error: ${frame.kind} frame on unopened stream ${frame.streamId}`);
          return;
        }
        const violation = frame.kind === 'message' ? flow.onMessage(frame.payload) : frame.kind === 'end' ? flow.onEnd() : flow.onWindow(frame.bytes);
        if (violation !== undefined) this.fail(FastCode.INTERNAL, `protocol error: ${violation}`);
        return;
      }
      case 'cancel': {
        const stream = this.streams.get(frame.streamId);
        if (stream !== undefined) this.endStream(frame.streamId, stream, new FastError(FastCode.CANCELLED, 'call cancelled by the client'));
        return;
      }
      case 'goaway':
        // The client is leaving; it ends the socket when its calls are done.
        return;
      case 'response':
      case 'error':
      case 'head':
        this.fail(FastCode.INTERNAL, `protocol error: client sent a ${frame.kind} frame`);
        return;
      default: {
        const never: never = frame;
        throw new Error(`unhandled frame ${String(never)}`);
      }
    }
  };

  private onRequest(streamId: number, timeoutMs: number, path: string, headers: Headers, payload: Buffer, streaming: boolean): void {
    if (streamId <= this.lastStreamId) {
      this.fail(FastCode.INTERNAL, `protocol error: stream id ${streamId} does not increase`);
      return;
    }
    if (this.state.tag === 'draining') {
      this.writer.write(encodeError(streamId, FastCode.UNAVAILABLE, 'server is going away; call not started', true));
      return;
    }
    if (this.state.tag !== 'open') return;
    this.lastStreamId = streamId;
    if (this.streams.size >= this.limits.maxConcurrentCalls) {
      this.writer.write(
        encodeError(streamId, FastCode.RESOURCE_EXHAUSTED, `more than ${this.limits.maxConcurrentCalls} concurrent calls on one connection`, true),
      );
      return;
    }
    const answerTable = headers[TABLE_OFFER] !== undefined && takeTableHeader(headers);
    const stream: ServerStream = { controller: undefined, reason: undefined, timer: undefined, flow: undefined, answerTable };
    const deadline = clockNow() + timeoutMs;
    stream.timer = setTimeout(() => {
      const s = this.streams.get(streamId);
      if (s === undefined) return;
      this.writer.write(encodeError(streamId, FastCode.DEADLINE_EXCEEDED, `deadline of ${timeoutMs} ms exceeded`, false));
      this.endStream(streamId, s, new FastError(FastCode.DEADLINE_EXCEEDED, `deadline of ${timeoutMs} ms exceeded`));
    }, Math.min(timeoutMs, MAX_TIMER_MS));
    this.streams.set(streamId, stream);
    const ctx: FastCallContext = {
      get signal() {
        return signalOf(stream);
      },
      deadline,
      headers,
    };
    if (streaming) {
      this.openFlow(streamId, stream, path, ctx);
      return;
    }
    let result: ReturnType<FastHandler>;
    try {
      result = this.handlers.unary(path, payload, ctx);
    } catch (err) {
      result = Promise.reject(FastError.from(err));
    }
    result.then(
      (reply) => this.reply(streamId, stream, reply),
      (err: unknown) => this.replyError(streamId, stream, err),
    );
  }

  private openFlow(streamId: number, stream: ServerStream, path: string, ctx: FastCallContext): void {
    const handler = this.handlers.stream;
    const flow = new ServerFlow(streamId, this.writer, this.limits.maxFrameBytes, ctx, {
      finish: (trailers) => this.reply(streamId, stream, { payload: new Uint8Array(0), headers: trailers }),
      fail: (err) => this.replyError(streamId, stream, err),
    });
    stream.flow = flow;
    if (handler === undefined) {
      flow.fail(new FastError(FastCode.UNIMPLEMENTED, `${path.slice(1)}: this server takes no streaming calls`));
      return;
    }
    try {
      handler(path, flow);
    } catch (err) {
      flow.fail(err);
    }
  }

  private reply(streamId: number, stream: ServerStream, reply: { payload: Uint8Array; headers?: Headers }): void {
    if (!this.finish(streamId, stream)) return;
    this.writer.write(this.responseFrame(streamId, stream.answerTable ? { payload: reply.payload, headers: { ...reply.headers, [TABLE_OFFER]: TABLE_VERSION } } : reply));
    this.endIfIdle();
  }

  private responseFrame(streamId: number, reply: { payload: Uint8Array; headers?: Headers }): Buffer {
    let frame: Buffer;
    try {
      frame = encodeResponse(streamId, reply.headers, reply.payload);
    } catch (err) {
      return encodeError(streamId, FastCode.INTERNAL, `response could not be encoded: ${(err as Error).message}`, false);
    }
    if (frame.length - HEADER_BYTES > this.limits.maxFrameBytes) {
      const size = frame.length - HEADER_BYTES;
      return encodeError(streamId, FastCode.RESOURCE_EXHAUSTED, `response of ${size} bytes exceeds the frame limit of ${this.limits.maxFrameBytes}`, false);
    }
    return frame;
  }

  private replyError(streamId: number, stream: ServerStream, err: unknown): void {
    if (!this.finish(streamId, stream)) return;
    const e = FastError.from(err);
    // A handler that refused the call before starting it (over its concurrency limit) says so.
    this.writer.write(encodeError(streamId, e.code, e.message, e.neverSent));
    this.endIfIdle();
  }

  /** Removes a stream whose handler settled; false when it already ended (cancel, deadline, close). */
  private finish(streamId: number, stream: ServerStream): boolean {
    if (this.streams.get(streamId) !== stream) return false;
    this.streams.delete(streamId);
    clearTimeout(stream.timer);
    stream.flow?.close();
    return this.state.tag !== 'closed';
  }

  private endStream(streamId: number, stream: ServerStream, reason: FastError): void {
    this.streams.delete(streamId);
    clearTimeout(stream.timer);
    stream.reason = reason;
    stream.controller?.abort(reason);
    stream.flow?.abort(reason);
    this.endIfIdle();
  }

  private endIfIdle(): void {
    if (this.state.tag === 'draining' && this.streams.size === 0) this.end();
  }

  /** Error GOAWAY then close: the client learns why (e.g. an oversized frame). */
  private fail(code: FastCode, message: string): void {
    if (this.state.tag === 'closed') return;
    this.decoder.stop(message);
    this.writer.write(encodeGoaway(this.lastStreamId, code, message));
    for (const [id, stream] of this.streams) this.endStream(id, stream, new FastError(code, message));
    this.end();
  }

  private end(): void {
    if (this.state.tag === 'closed') return;
    this.state = { tag: 'closed' };
    this.writer.end();
    // The peer may not read: the socket goes anyway once it had a moment to flush.
    setTimeout(() => this.socket.destroy(), END_GRACE_MS).unref();
  }

  private onClose(): void {
    this.state = { tag: 'closed' };
    this.writer.discard();
    this.decoder.stop('connection closed');
    for (const [id, stream] of this.streams) this.endStream(id, stream, new FastError(FastCode.CANCELLED, 'connection closed'));
  }
}
