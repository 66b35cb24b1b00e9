// A streaming call on the client's side of a fast connection: the server's messages wait in an
// inbox that grants the server window as the caller reads them; the caller's messages go out
// within the window the server grants. The connection owns the call's life (deadline, cancel,
// GOAWAY); this is only its messages and how it ended.
import { Inbox } from '../inbox.ts';
import { FastCode, FastError } from './errors.ts';
import { encodeEnd, encodeMessage, encodeWindow, HEADER_BYTES } from './frame.ts';
import type { Headers } from './frame.ts';
import { ReceiveWindow, SendWindow } from './stream-window.ts';
import type { FrameWriter } from './writer.ts';

export interface FastClientStream {
  /** The server's response headers: at its head frame, its first message, or the end of the call. */
  readonly headers: Promise<Headers>;
  /** The server's messages; ends after the last with the trailers set, throws the call's error. */
  readonly output: AsyncIterable<Uint8Array>;
  /** The server's trailers, once the output has ended. */
  readonly trailers: Headers | undefined;
  /** Whether the server's window takes a message now; `send` anyway, then `ready()` before the next. */
  readonly writable: boolean;
  send(payload: Uint8Array): void;
  /** Resolves once the window is open again; rejects when the call ended meanwhile. */
  ready(): Promise<void>;
  /** No more messages from the caller. */
  end(): void;
  /** Gives up on the call (the server is told). */
  cancel(): void;
}

export class ClientFlow implements FastClientStream {
  readonly output: Inbox<Buffer>;
  readonly headers: Promise<Headers>;
  trailers: Headers | undefined;
  readonly #send = new SendWindow();
  readonly #receive: ReceiveWindow;
  #gotHeaders!: (h: Headers) => void;
  #ended = false;
  #over = false;

  constructor(
    private readonly streamId: number,
    private readonly writer: FrameWriter,
    private readonly maxFrameBytes: number,
    private readonly onCancel: () => void,
  ) {
    this.#receive = new ReceiveWindow(maxFrameBytes);
    this.headers = new Promise((resolve) => (this.#gotHeaders = resolve));
    this.output = new Inbox<Buffer>({
      onTake: (m) => {
        const grant = this.#receive.onTake(m.length);
        if (grant > 0 && !this.#over) this.writer.write(encodeWindow(streamId, grant));
      },
      // The caller stopped reading before the end: the call is over for it.
      onReturn: () => this.onCancel(),
    });
  }

  get writable(): boolean {
    return this.#send.open;
  }

  send(payload: Uint8Array): void {
    if (this.#over || this.#ended) throw new FastError(FastCode.CANCELLED, 'the call has ended');
    if (payload.length > this.maxFrameBytes) throw new FastError(FastCode.RESOURCE_EXHAUSTED, `message of ${payload.length} bytes exceeds the frame limit of ${this.maxFrameBytes}`);
    this.#send.take(payload.length);
    this.writer.write(encodeMessage(this.streamId, payload));
  }

  ready(): Promise<void> {
    return this.#send.wait();
  }

  end(): void {
    if (this.#ended || this.#over) return;
    this.#ended = true;
    this.writer.write(encodeEnd(this.streamId));
  }

  cancel(): void {
    this.onCancel();
  }

  // What the connection tells the flow.

  onHead(headers: Headers): void {
    this.#gotHeaders(headers);
  }

  onMessage(payload: Buffer): string | undefined {
    if (!this.output.open) return undefined;
    const violation = this.#receive.onReceive(payload.length);
    if (violation !== undefined) return violation;
    this.#gotHeaders({});
    this.output.push(payload.length + HEADER_BYTES < 4096 ? Buffer.from(payload) : payload);
    return undefined;
  }

  onWindow(bytes: number): string | undefined {
    return this.#send.grant(bytes);
  }

  /** The server answered OK: the output ends after what is queued. */
  onFinish(trailers: Headers): void {
    this.#over = true;
    this.trailers = trailers;
    this.#gotHeaders({});
    this.#send.close(new FastError(FastCode.CANCELLED, 'the call has ended'));
    this.output.end();
  }

  /** The server answered with an error: after what is queued, the output throws it. */
  onError(error: FastError): void {
    this.#over = true;
    this.#gotHeaders({});
    this.#send.close(error);
    this.output.fail(error);
  }

  /** Ended on this side (deadline, cancel, connection gone): nothing queued is read. */
  abort(error: FastError): void {
    this.#over = true;
    this.#gotHeaders({});
    this.#send.close(error);
    this.output.abort(error);
  }
}
