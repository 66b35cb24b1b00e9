// Coalesces the frames of one event-loop turn into one socket write and honours back-pressure:
// after write() returns false nothing more is handed to the socket until 'drain'.
import type { Socket } from 'node:net';

/** Above this a flush corks and writes frames one by one instead of copying them into one buffer. */
const CONCAT_LIMIT_BYTES = 64 * 1024; // the default highWaterMark of a net.Socket's writable side

export class FrameWriter {
  private queue: Buffer[] = [];
  private queuedBytes = 0;
  private scheduled = false;
  private blocked: boolean;
  private ended = false;
  /** Frames handed to write() so far; numbered like the return value of `write`. */
  private written = 0;
  private enqueued = 0;

  /**
   * `startBlocked` holds frames until `unblock()` (a client waits for its connect).
   * `onPressure(true)` fires when the socket buffer is full, `(false)` once it drained.
   */
  constructor(
    private readonly socket: Socket,
    opts: { startBlocked?: boolean; onPressure?: (full: boolean) => void } = {},
  ) {
    this.blocked = opts.startBlocked ?? false;
    this.onPressure = opts.onPressure;
    socket.on('drain', () => {
      if (this.ended) return;
      this.blocked = false;
      this.onPressure?.(false);
      this.flush();
    });
  }

  private readonly onPressure: ((full: boolean) => void) | undefined;

  /** Queues a frame for this turn's write; returns its sequence number (see `wasWritten`). */
  write(frame: Buffer): number {
    if (this.ended) return ++this.enqueued;
    this.queue.push(frame);
    this.queuedBytes += frame.length;
    if (!this.scheduled && !this.blocked) {
      this.scheduled = true;
      // setImmediate rather than a microtask: it runs after every I/O callback of this loop
      // turn, so responses that trigger new calls all land in the same write.
      setImmediate(this.flushNow);
    }
    return ++this.enqueued;
  }

  /** Whether the frame with this sequence number has been handed to the socket. */
  wasWritten(seq: number): boolean {
    return seq <= this.written;
  }

  get pendingBytes(): number {
    return this.queuedBytes;
  }

  /** Lets queued frames go (after connect). */
  unblock(): void {
    if (this.ended) return;
    this.blocked = false;
    this.flush();
  }

  /** Writes what is queued, then half-closes the socket. Later writes are dropped. */
  end(): void {
    if (this.ended) return;
    this.flush(true);
    this.ended = true;
    this.queue = [];
    this.queuedBytes = 0;
    if (!this.socket.destroyed) this.socket.end();
  }

  /** Drops what is queued (the socket is gone or being destroyed). */
  discard(): void {
    this.ended = true;
    this.queue = [];
    this.queuedBytes = 0;
  }

  private readonly flushNow = (): void => {
    this.scheduled = false;
    this.flush();
  };

  private flush(evenIfBlocked = false): void {
    if (this.queue.length === 0 || (this.blocked && !evenIfBlocked) || this.socket.destroyed) return;
    const frames = this.queue;
    const bytes = this.queuedBytes;
    this.queue = [];
    this.queuedBytes = 0;
    let ok: boolean;
    if (frames.length === 1) {
      ok = this.socket.write(frames[0]!);
    } else if (bytes <= CONCAT_LIMIT_BYTES) {
      ok = this.socket.write(Buffer.concat(frames, bytes));
    } else {
      this.socket.cork();
      ok = true;
      for (const f of frames) ok = this.socket.write(f) && ok;
      this.socket.uncork();
    }
    this.written += frames.length;
    if (!ok && !this.blocked) {
      this.blocked = true;
      this.onPressure?.(true);
    }
  }
}
