// Flow control of one streaming call, one direction each: HTTP/2's idea with message-sized
// steps. A sender may send while its window is open (above zero) and each message closes it by
// its size plus a frame header, so one message may overshoot; the receiver grants the bytes
// back as its reader takes messages, so a slow reader slows the sender instead of filling
// memory. Sizes count the frame header so that empty messages are not free.
import { HEADER_BYTES, STREAM_WINDOW_BYTES } from './frame.ts';

export function messageCost(payloadBytes: number): number {
  return payloadBytes + HEADER_BYTES;
}

/** The sending half. */
export class SendWindow {
  #bytes = STREAM_WINDOW_BYTES;
  #waiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  #error: Error | undefined;

  get open(): boolean {
    return this.#bytes > 0;
  }

  take(payloadBytes: number): void {
    this.#bytes -= messageCost(payloadBytes);
  }

  /** The peer's window frame. A grant beyond any honest total is a protocol violation. */
  grant(bytes: number): string | undefined {
    this.#bytes += bytes;
    if (this.#bytes > 2 * STREAM_WINDOW_BYTES) return `window grown to ${this.#bytes} bytes`;
    if (this.#bytes > 0) for (const w of this.#waiters.splice(0)) w.resolve();
    return undefined;
  }

  /** Resolves once the window is open; rejects with the call's end when it ends first. */
  wait(): Promise<void> {
    if (this.#error !== undefined) return Promise.reject(this.#error);
    if (this.#bytes > 0) return Promise.resolve();
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  close(error: Error): void {
    this.#error ??= error;
    error = this.#error;
    for (const w of this.#waiters.splice(0)) w.reject(error);
  }
}

/** The receiving half: what the peer sent and the reader has not taken yet. */
export class ReceiveWindow {
  #outstanding = 0;
  #ungranted = 0;

  constructor(private readonly maxFrameBytes: number) {}

  /** A message arrived; a violation when the peer sent past its window. */
  onReceive(payloadBytes: number): string | undefined {
    this.#outstanding += messageCost(payloadBytes);
    // The window plus one overshooting message is the most an honest sender has out.
    if (this.#outstanding > STREAM_WINDOW_BYTES + messageCost(this.maxFrameBytes)) return `stream sent ${this.#outstanding} bytes past a window of ${STREAM_WINDOW_BYTES}`;
    return undefined;
  }

  /** The reader took a message: the bytes to grant the peer now (0: wait for more, to send fewer frames). */
  onTake(payloadBytes: number): number {
    const cost = messageCost(payloadBytes);
    this.#outstanding -= cost;
    this.#ungranted += cost;
    if (this.#ungranted < STREAM_WINDOW_BYTES / 4) return 0;
    const n = this.#ungranted;
    this.#ungranted = 0;
    return n;
  }
}
