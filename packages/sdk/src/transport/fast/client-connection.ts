// One client connection: many calls in flight, told apart by stream id, over one TCP socket.
import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { FrameDecoder } from './decoder.ts';
import { FastCode, FastError } from './errors.ts';
import { encodeCancel, encodeRequest, HEADER_BYTES, MAX_STREAM_ID, MAX_TIMER_MS } from './frame.ts';
import type { Frame } from './frame.ts';
import { ClientFlow, type FastClientStream } from './client-flow.ts';
import { HeaderTableEncoder, TABLE_OFFER, takeTableHeader } from './header-table.ts';
import { FAST_PREAMBLE } from './preamble.ts';
import { FrameWriter } from './writer.ts';

export interface FastCallOptions {
  signal?: AbortSignal;
  /** Budget for the whole call; the server is told what remains of it. */
  timeoutMs: number;
  headers: Record<string, string>;
}

export interface FastReply {
  payload: Uint8Array;
  headers: Record<string, string>;
}

type ConnectionState =
  | { readonly tag: 'connecting' }
  | { readonly tag: 'open' }
  /** The server said GOAWAY (or ids ran out): finish what is in flight, start nothing new. */
  | { readonly tag: 'draining' }
  | { readonly tag: 'closed' };

interface PendingCall {
  readonly seq: number;
  readonly resolve: (reply: FastReply) => void;
  readonly reject: (error: FastError) => void;
  readonly timer: NodeJS.Timeout;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: (() => void) | undefined;
  /** A streaming call's messages; undefined for a unary call. */
  readonly flow: ClientFlow | undefined;
}

export class ClientConnection {
  private state: ConnectionState = { tag: 'connecting' };
  private readonly socket: Socket;
  private readonly writer: FrameWriter;
  private readonly decoder: FrameDecoder;
  private readonly calls = new Map<number, PendingCall>();
  private nextStreamId = 1;
  /** Long headers repeated on every call (tokens) go once, then by index, once the server takes it. */
  private readonly table = new HeaderTableEncoder();
  /** Why the connection ended, for the calls it takes down with it. */
  private closeError: FastError | undefined;
  readonly closed: Promise<void>;

  constructor(
    host: string,
    port: number,
    private readonly maxFrameBytes: number,
  ) {
    this.decoder = new FrameDecoder(maxFrameBytes);
    this.socket = connect({ host, port, noDelay: true });
    this.writer = new FrameWriter(this.socket, { startBlocked: true });
    this.writer.write(Buffer.from(FAST_PREAMBLE));
    this.closed = new Promise((resolve) => this.socket.once('close', () => resolve()));
    this.socket.once('connect', () => {
      if (this.state.tag === 'connecting') this.state = { tag: 'open' };
      this.writer.unblock();
    });
    this.socket.on('data', (chunk: Buffer) => this.onData(chunk));
    this.socket.on('error', (err) => {
      this.closeError ??= new FastError(FastCode.UNAVAILABLE, `fast transport connection to ${host}:${port} failed: ${err.message}`, { cause: err });
    });
    this.socket.once('close', () => this.onClose());
  }

  /** Can take new calls. */
  get usable(): boolean {
    return this.state.tag === 'connecting' || this.state.tag === 'open';
  }

  get inFlight(): number {
    return this.calls.size;
  }

  call(path: Buffer, payload: Uint8Array, opts: FastCallOptions): Promise<FastReply> {
    if (!this.usable) return Promise.reject(new FastError(FastCode.UNAVAILABLE, 'fast transport connection is closing', { neverSent: true }));
    const streamId = this.nextStreamId++;
    if (streamId >= MAX_STREAM_ID) this.drain();
    let frame: Buffer;
    try {
      frame = encodeRequest(streamId, opts.timeoutMs, path, opts.headers, payload, false, this.table);
    } catch (err) {
      return Promise.reject(new FastError(FastCode.INVALID_ARGUMENT, (err as Error).message, { neverSent: true, cause: err }));
    }
    if (frame.length - HEADER_BYTES > this.maxFrameBytes) {
      return Promise.reject(
        new FastError(FastCode.RESOURCE_EXHAUSTED, `request of ${frame.length - HEADER_BYTES} bytes exceeds the frame limit of ${this.maxFrameBytes}`, {
          neverSent: true,
        }),
      );
    }
    // The frame goes out: what its header block asked the server to keep is kept on this side too.
    this.table.commit();
    return new Promise<FastReply>((resolve, reject) => {
      const seq = this.writer.write(frame);
      const timer = setTimeout(() => this.giveUp(streamId, FastCode.DEADLINE_EXCEEDED, `deadline of ${opts.timeoutMs} ms exceeded`),
        Math.min(opts.timeoutMs, MAX_TIMER_MS),
      );
      const signal = opts.signal;
      let onAbort: (() => void) | undefined;
      if (signal !== undefined) {
        onAbort = () => this.giveUp(streamId, FastCode.CANCELLED, 'call cancelled by the caller');
        signal.addEventListener('abort', onAbort, { once: true });
      }
      this.calls.set(streamId, { seq, resolve, reject, timer, signal, onAbort, flow: undefined });
    });
  }

  /**
   * A streaming call. Failures to start (closing, encoding) end its output at once with the
   * error; later ones (deadline, cancel, GOAWAY, connection gone) end it when they happen.
   */
  openStream(path: Buffer, opts: FastCallOptions): FastClientStream {
    const streamId = this.nextStreamId++;
    if (streamId >= MAX_STREAM_ID) this.drain();
    const flow = new ClientFlow(streamId, this.writer, this.maxFrameBytes, () => this.giveUp(streamId, FastCode.CANCELLED, 'call cancelled by the caller'));
    if (!this.usable) {
      flow.abort(new FastError(FastCode.UNAVAILABLE, 'fast transport connection is closing', { neverSent: true }));
      return flow;
    }
    let frame: Buffer;
    try {
      frame = encodeRequest(streamId, opts.timeoutMs, path, opts.headers, new Uint8Array(0), true, this.table);
    } catch (err) {
      flow.abort(new FastError(FastCode.INVALID_ARGUMENT, (err as Error).message, { neverSent: true, cause: err }));
      return flow;
    }
    this.table.commit();
    const seq = this.writer.write(frame);
    const timer = setTimeout(() => this.giveUp(streamId, FastCode.DEADLINE_EXCEEDED, `deadline of ${opts.timeoutMs} ms exceeded`), Math.min(opts.timeoutMs, MAX_TIMER_MS));
    const signal = opts.signal;
    let onAbort: (() => void) | undefined;
    if (signal !== undefined) {
      onAbort = () => this.giveUp(streamId, FastCode.CANCELLED, 'call cancelled by the caller');
      signal.addEventListener('abort', onAbort, { once: true });
    }
    const reject = (e: FastError): void => flow.abort(e);
    this.calls.set(streamId, { seq, resolve: () => undefined, reject, timer, signal, onAbort, flow });
    return flow;
  }

  /** Starts no new calls; ends the socket once the calls in flight are done. */
  drain(): void {
    if (this.state.tag === 'connecting' || this.state.tag === 'open') this.state = { tag: 'draining' };
    this.endIfIdle();
  }

  /** Fails every call in flight and drops the socket. */
  destroy(error: FastError): void {
    this.closeError ??= error;
    this.writer.discard();
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    const violation = this.decoder.push(chunk, this.onFrame);
    if (violation !== undefined) {
      this.destroy(new FastError(violation.code ?? FastCode.INTERNAL, `fast transport protocol error from server: ${violation.violation}`));
    }
  }

  private readonly onFrame = (frame: Frame): void => {
    switch (frame.kind) {
      case 'response': {
        if (frame.headers[TABLE_OFFER] !== undefined && takeTableHeader(frame.headers)) this.table.enable();
        const call = this.settle(frame.streamId);
        if (call?.flow !== undefined) call.flow.onFinish(frame.headers);
        else call?.resolve({ payload: frame.payload, headers: frame.headers });
        break;
      }
      case 'error': {
        const call = this.settle(frame.streamId);
        const error = new FastError(frame.code, frame.message, { neverSent: frame.refused });
        if (call?.flow !== undefined) call.flow.onError(error);
        else call?.reject(error);
        break;
      }
      case 'head':
      case 'message':
      case 'window': {
        // Frames of a call this side already gave up on are late, not wrong.
        const flow = this.calls.get(frame.streamId)?.flow;
        if (flow === undefined) break;
        const violation = frame.kind === 'head' ? (flow.onHead(frame.headers), undefined) : frame.kind === 'message' ? flow.onMessage(frame.payload) : flow.onWindow(frame.bytes);
        if (violation !== undefined) this.destroy(new FastError(FastCode.INTERNAL, `fast transport protocol error from server: ${violation}`));
        break;
      }
      case 'goaway':
        this.onGoaway(frame.lastStreamId, frame.code, frame.message);
        break;
      case 'request':
      case 'cancel':
      case 'end':
        this.destroy(new FastError(FastCode.INTERNAL, `fast transport protocol error: server sent a ${frame.kind} frame`));
        break;
      default: {
        const never: never = frame;
        throw new Error(`unhandled frame ${String(never)}`);
      }
    }
  };

  private onGoaway(lastStreamId: number, code: FastCode | 0, message: string): void {
    if (this.state.tag === 'connecting' || this.state.tag === 'open') this.state = { tag: 'draining' };
    // Calls the server will never start: nothing ran, so the caller may retry them elsewhere.
    // After an error GOAWAY they carry the server's reason (e.g. the frame that was too large).
    const notStarted =
      code === 0
        ? () => new FastError(FastCode.UNAVAILABLE, `server is going away (${message}); call not started`, { neverSent: true })
        : () => new FastError(code, `fast transport connection closed by server: ${message}`, { neverSent: true });
    for (const [id, call] of this.calls) {
      if (id <= lastStreamId) continue;
      this.settle(id);
      call.reject(notStarted());
    }
    if (code !== 0) {
      // An error GOAWAY: the server closes the connection; the calls it had started fail with its reason.
      this.closeError ??= new FastError(code, `fast transport connection closed by server: ${message}`);
    }
    this.endIfIdle();
  }

  /** Caller-side end of a call: deadline or abort. Tells the server if it may have started. */
  private giveUp(streamId: number, code: FastCode, message: string): void {
    const call = this.settle(streamId);
    if (call === undefined) return;
    const sent = this.writer.wasWritten(call.seq);
    if (sent) this.writer.write(encodeCancel(streamId));
    call.reject(new FastError(code, message, { neverSent: !sent }));
  }

  private settle(streamId: number): PendingCall | undefined {
    const call = this.calls.get(streamId);
    if (call === undefined) return undefined;
    this.calls.delete(streamId);
    clearTimeout(call.timer);
    if (call.onAbort !== undefined) call.signal?.removeEventListener('abort', call.onAbort);
    if (this.state.tag === 'draining' && this.calls.size === 0) queueMicrotask(() => this.endIfIdle());
    return call;
  }

  private endIfIdle(): void {
    if (this.state.tag === 'draining' && this.calls.size === 0) {
      this.state = { tag: 'closed' };
      this.writer.end();
    }
  }

  private onClose(): void {
    this.state = { tag: 'closed' };
    this.writer.discard();
    this.decoder.stop('connection closed');
    const base = this.closeError ?? new FastError(FastCode.UNAVAILABLE, 'fast transport connection closed');
    for (const [id, call] of this.calls) {
      this.settle(id);
      const neverSent = !this.writer.wasWritten(call.seq);
      call.reject(new FastError(base.code, base.message, { neverSent, cause: base.cause }));
    }
  }
}
