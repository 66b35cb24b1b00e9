// The fast transport's client: a few multiplexed connections to one peer, opened lazily and
// replaced when the server sends GOAWAY or the socket dies.
import { ClientConnection } from './client-connection.ts';
import type { FastCallOptions, FastReply } from './client-connection.ts';
import type { FastClientStream } from './client-flow.ts';
import { FastCode, FastError } from './errors.ts';
import { DEFAULT_MAX_FRAME_BYTES } from './frame.ts';

/** Paths are few per client; the cap only guards against a caller inventing paths. */
const PATH_CACHE_LIMIT = 1024;

export interface FastClientOptions {
  host: string;
  port: number;
  /** Connections opened to the peer, used round-robin. One is usually fastest on Node. */
  maxConnections?: number;
  /** Largest frame body sent or accepted. */
  maxFrameBytes?: number;
}

export class FastClient {
  private readonly slots: (ClientConnection | undefined)[];
  private readonly all = new Set<ClientConnection>();
  private readonly paths = new Map<string, Buffer>();
  private readonly maxFrameBytes: number;
  private next = 0;
  private closing = false;

  constructor(private readonly opts: FastClientOptions) {
    const n = opts.maxConnections ?? 1;
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`maxConnections must be a positive integer, got ${n}`);
    this.slots = new Array<ClientConnection | undefined>(n).fill(undefined);
    this.maxFrameBytes = opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  }

  /** Unary call. Rejects with a FastError; `neverSent` tells whether a retry is safe. */
  call(path: string, payload: Uint8Array, opts: FastCallOptions): Promise<FastReply> {
    if (this.closing) return Promise.reject(new FastError(FastCode.UNAVAILABLE, 'fast client is closed', { neverSent: true }));
    if (opts.signal?.aborted === true) return Promise.reject(new FastError(FastCode.CANCELLED, 'call cancelled before it started', { neverSent: true }));
    if (!(opts.timeoutMs > 0)) return Promise.reject(new FastError(FastCode.DEADLINE_EXCEEDED, 'no time left for the call', { neverSent: true }));
    return this.pick().call(this.encodedPath(path), payload, opts);
  }

  /** A streaming call (see FastClientStream); a call that cannot start ends its output with the reason. */
  stream(path: string, opts: FastCallOptions): FastClientStream {
    if (this.closing) return refused(new FastError(FastCode.UNAVAILABLE, 'fast client is closed', { neverSent: true }));
    if (opts.signal?.aborted === true) return refused(new FastError(FastCode.CANCELLED, 'call cancelled before it started', { neverSent: true }));
    if (!(opts.timeoutMs > 0)) return refused(new FastError(FastCode.DEADLINE_EXCEEDED, 'no time left for the call', { neverSent: true }));
    return this.pick().openStream(this.encodedPath(path), opts);
  }

  /** Takes no new calls, lets those in flight finish (each has a deadline), then closes sockets. */
  async close(): Promise<void> {
    this.closing = true;
    const conns = [...this.all];
    for (const c of conns) c.drain();
    await Promise.all(conns.map((c) => c.closed));
  }

  private pick(): ClientConnection {
    const i = this.next;
    this.next = (i + 1) % this.slots.length;
    let conn = this.slots[i];
    if (conn === undefined || !conn.usable) {
      const fresh = new ClientConnection(this.opts.host, this.opts.port, this.maxFrameBytes);
      this.all.add(fresh);
      void fresh.closed.then(() => {
        this.all.delete(fresh);
        if (this.slots[i] === fresh) this.slots[i] = undefined;
      });
      this.slots[i] = conn = fresh;
    }
    return conn;
  }

  private encodedPath(path: string): Buffer {
    let bytes = this.paths.get(path);
    if (bytes === undefined) {
      bytes = Buffer.from(path, 'utf8');
      if (this.paths.size >= PATH_CACHE_LIMIT) this.paths.clear();
      this.paths.set(path, bytes);
    }
    return bytes;
  }
}

/** A stream that never started: its output throws `error`, and sending is refused. */
function refused(error: FastError): FastClientStream {
  return {
    headers: Promise.resolve({}),
    output: { [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(error) }) },
    trailers: undefined,
    writable: false,
    send() {
      throw error;
    },
    ready: () => Promise.reject(error),
    end() {},
    cancel() {},
  };
}
