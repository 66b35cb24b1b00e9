// The fast transport's server: takes sockets that a listener (or a port sniffer) hands it,
// bounds each connection's concurrent calls, and closes gracefully with GOAWAY.
import type { Socket } from 'node:net';
import { DEFAULT_MAX_FRAME_BYTES } from './frame.ts';
import { ServerConnection } from './server-connection.ts';
import type { FastHandler, ServerHandlers } from './server-connection.ts';
import type { FastStreamHandler } from './server-flow.ts';

/** Go's net/http2 server default for concurrent streams per connection (defaultMaxStreams = 250). */
export const DEFAULT_MAX_CONCURRENT_CALLS = 250;

export interface FastServerOptions {
  /** Calls running at once on one connection; more are refused with RESOURCE_EXHAUSTED. */
  maxConcurrentCallsPerConnection?: number;
  /** Largest frame body accepted; a larger one closes the connection with an error GOAWAY. */
  maxFrameBytes?: number;
  /** Serves streaming calls; without it they are answered UNIMPLEMENTED. */
  streams?: FastStreamHandler;
}

export class FastServer {
  private readonly connections = new Set<ServerConnection>();
  private closing = false;
  private readonly limits: { maxConcurrentCalls: number; maxFrameBytes: number };
  private readonly handlers: ServerHandlers;

  constructor(handler: FastHandler, opts: FastServerOptions = {}) {
    this.handlers = { unary: handler, stream: opts.streams };
    this.limits = {
      maxConcurrentCalls: opts.maxConcurrentCallsPerConnection ?? DEFAULT_MAX_CONCURRENT_CALLS,
      maxFrameBytes: opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES,
    };
  }

  /** Connections currently open (for tests and metrics). */
  get connectionCount(): number {
    return this.connections.size;
  }

  /**
   * Takes over a socket whose first chunk was already read (and matched `isFastPreamble`).
   * The chunk is processed as if it had just arrived; the socket must not be read elsewhere.
   */
  acceptSocket(socket: Socket, firstChunk: Buffer): void {
    const conn = new ServerConnection(socket, this.handlers, this.limits);
    this.connections.add(conn);
    void conn.closed.then(() => this.connections.delete(conn));
    conn.onData(firstChunk);
    if (this.closing) conn.drain();
  }

  /**
   * Sends GOAWAY on every connection, waits up to `graceMs` for calls in flight, then aborts
   * what remains (handlers see their signal abort; clients get UNAVAILABLE) and closes.
   */
  async close(graceMs: number): Promise<void> {
    this.closing = true;
    const conns = [...this.connections];
    for (const c of conns) c.drain();
    const all = Promise.all(conns.map((c) => c.closed));
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'grace-over'>((resolve) => {
      timer = setTimeout(() => resolve('grace-over'), graceMs);
    });
    const outcome = await Promise.race([all.then(() => 'drained' as const), graceOver]);
    clearTimeout(timer);
    if (outcome === 'grace-over') {
      for (const c of conns) c.abort('server closed before the call finished');
      await all;
    }
  }
}
