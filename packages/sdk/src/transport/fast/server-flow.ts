// A streaming call on the server's side of a fast connection: the client's messages wait in an
// inbox that grants the client window as the handler reads them; the handler's messages go out
// within the window the client grants. The connection owns the call's life (deadline, cancel,
// drain); this is only its messages.
import { Inbox } from '../inbox.ts';
import { FastCode, FastError } from './errors.ts';
import { encodeHead, encodeMessage, encodeWindow, HEADER_BYTES } from './frame.ts';
import type { Headers } from './frame.ts';
import { ReceiveWindow, SendWindow } from './stream-window.ts';
import type { FrameWriter } from './writer.ts';

export interface FastCallContext {
  /** Aborted when the client cancels, the deadline passes, the connection drops or the server stops. */
  signal: AbortSignal;
  /** Absolute epoch ms: now + the budget the client had left when it sent the call. */
  deadline: number;
  headers: Record<string, string>;
}

/** What a stream handler is given: the call's context, the client's messages, and ways to answer. */
export interface FastStreamCall {
  readonly ctx: FastCallContext;
  /** The client's messages; ends when the client ends its side, throws when the call ends early. */
  readonly input: AsyncIterable<Uint8Array>;
  /** Sends the response headers; at most once, before the first message (which otherwise sends none). */
  head(headers: Headers | undefined): void;
  /** Whether the client's window takes a message now; `send` anyway, then `ready()` before the next. */
  readonly writable: boolean;
  /** Sends one message (within or, by one message, past the window: see stream-window.ts). */
  send(payload: Uint8Array): void;
  /** Resolves once the window is open again; rejects when the call ended meanwhile. */
  ready(): Promise<void>;
  /** Ends the call: OK with these trailers. */
  finish(trailers: Headers | undefined): void;
  /** Ends the call with an error (a FastError's code, else UNKNOWN). */
  fail(err: unknown): void;
}

export type FastStreamHandler = (path: string, call: FastStreamCall) => void;

/** How the flow ends its call: through the connection, which owns the stream's bookkeeping. */
export interface FlowEnds {
  finish(trailers: Headers | undefined): void;
  fail(err: unknown): void;
}

export class ServerFlow implements FastStreamCall {
  readonly input: Inbox<Buffer>;
  readonly #send = new SendWindow();
  readonly #receive: ReceiveWindow;
  #headSent = false;
  #closed = false;

  constructor(
    private readonly streamId: number,
    private readonly writer: FrameWriter,
    private readonly maxFrameBytes: number,
    readonly ctx: FastCallContext,
    private readonly ends: FlowEnds,
  ) {
    this.#receive = new ReceiveWindow(maxFrameBytes);
    this.input = new Inbox<Buffer>({
      onTake: (m) => {
        const grant = this.#receive.onTake(m.length);
        if (grant > 0 && !this.#closed) this.writer.write(encodeWindow(streamId, grant));
      },
    });
  }

  get writable(): boolean {
    return this.#send.open;
  }

  head(headers: Headers | undefined): void {
    if (this.#headSent || this.#closed) return;
    this.#headSent = true;
    this.writer.write(encodeHead(this.streamId, headers));
  }

  send(payload: Uint8Array): void {
    if (this.#closed) throw new FastError(FastCode.CANCELLED, 'the call has ended');
    if (payload.length > this.maxFrameBytes) throw new FastError(FastCode.RESOURCE_EXHAUSTED, `message of ${payload.length} bytes exceeds the frame limit of ${this.maxFrameBytes}`);
    this.#headSent = true;
    this.#send.take(payload.length);
    this.writer.write(encodeMessage(this.streamId, payload));
  }

  ready(): Promise<void> {
    return this.#send.wait();
  }

  finish(trailers: Headers | undefined): void {
    if (!this.#closed) this.ends.finish(trailers);
  }

  fail(err: unknown): void {
    if (!this.#closed) this.ends.fail(err);
  }

  // What the connection tells the flow.

  onMessage(payload: Buffer): string | undefined {
    if (!this.input.open) return undefined;
    const violation = this.#receive.onReceive(payload.length);
    if (violation !== undefined) return violation;
    // A view into the socket's chunk would pin it while the reader dawdles: the inbox keeps its own.
    this.input.push(payload.length + HEADER_BYTES < 4096 ? Buffer.from(payload) : payload);
    return undefined;
  }

  onEnd(): undefined {
    this.input.end();
    return undefined;
  }

  onWindow(bytes: number): string | undefined {
    return this.#send.grant(bytes);
  }

  /** The call ended early (cancel, deadline, connection gone): the handler's reads and waits fail. */
  abort(reason: FastError): void {
    this.#closed = true;
    this.input.abort(reason);
    this.#send.close(reason);
  }

  /** The call was answered: nothing more goes out. */
  close(): void {
    this.#closed = true;
    this.#send.close(new FastError(FastCode.CANCELLED, 'the call has ended'));
    this.input.abort(new FastError(FastCode.CANCELLED, 'the call has ended'));
  }
}
