// Keep-alive connections to endpoints for HTTP/1.1 requests. A connection in use has exactly
// one owner (the client connection whose exchange it carries) that gets its socket events; an
// idle one waits in its endpoint's stack and is closed on any sign of life or when stale.
import net from 'node:net';
import type { EndpointState } from './endpoints.ts';
import { HeadMemo } from './head-memo.ts';
import type { ResponseHead } from './http1-head.ts';

/** What an upstream connection reports to the exchange using it. */
export interface UpstreamOwner {
  onUpstreamConnect(up: UpstreamConn): void;
  /** `data` lives in a buffer shared by all upstream reads: copy whatever outlives the call. */
  onUpstreamData(up: UpstreamConn, data: Buffer): void;
  onUpstreamEnd(up: UpstreamConn): void;
  onUpstreamClose(up: UpstreamConn, error: Error | undefined): void;
  onUpstreamDrain(up: UpstreamConn): void;
}

/** Idle connections are closed after about this long (3 to 5 s, see the pool's sweeper): below
 * the 5 s keep-alive timeout of Node's http server (the usual replica), so we close first and
 * never write into a closing socket. */
export const idleTimeoutMs = 4000;
/** Idle connections kept per endpoint; more are closed on release. Twice the `keepalive 64` the
 * nginx comparison uses, to absorb bursts without reconnecting. */
export const maxIdlePerEndpoint = 128;
/** A loopback connect either succeeds or is refused at once; taking this long means the
 * replica's accept queue is stuck, so the attempt fails and the request may be retried. */
export const connectTimeoutMs = 2000;

/** Every upstream connection reads into this one buffer (`onread`), which skips a Buffer
 * allocation and the Readable stream machinery per read. One suffices because each read is
 * handled synchronously on this thread before the next. 64 KiB: what Node reads per call. */
const readBuffer = Buffer.allocUnsafe(64 * 1024);

export class UpstreamConn {
  readonly socket: net.Socket;
  owner: UpstreamOwner | null;
  connected = false;
  /** Exchanges this connection carried before the current one; > 0 means it was pooled. */
  uses = 0;
  idleSince = 0;
  /** The last response head this connection's replica sent, for the exchange to reuse. */
  readonly responseMemo = new HeadMemo<ResponseHead>();
  private error: Error | undefined;

  constructor(
    readonly endpoint: EndpointState,
    owner: UpstreamOwner,
    private readonly pool: Http1Pool,
  ) {
    this.owner = owner;
    const socket = net.connect({
      host: endpoint.host,
      port: endpoint.port,
      allowHalfOpen: true,
      noDelay: true,
      onread: { buffer: readBuffer, callback: (n) => this.onRead(n) },
    });
    this.socket = socket;
    socket.setTimeout(connectTimeoutMs);
    socket.on('timeout', () => {
      socket.destroy(Object.assign(new Error(`connect to ${endpoint.host}:${endpoint.port} timed out`), { code: 'ETIMEDOUT' }));
    });
    socket.on('connect', () => {
      this.connected = true;
      socket.setTimeout(0);
      this.owner?.onUpstreamConnect(this);
    });
    socket.on('end', () => {
      if (this.owner !== null) this.owner.onUpstreamEnd(this);
      else socket.destroy();
    });
    socket.on('drain', () => this.owner?.onUpstreamDrain(this));
    socket.on('error', (err) => {
      this.error = err;
    });
    socket.on('close', () => {
      this.pool.forget(this);
      const owner = this.owner;
      this.owner = null;
      owner?.onUpstreamClose(this, this.error);
    });
  }

  private onRead(n: number): boolean {
    if (this.owner !== null) this.owner.onUpstreamData(this, readBuffer.subarray(0, n));
    else this.socket.destroy(); // an idle connection must not speak: it is out of step
    return true;
  }

  /** Closes the connection without telling its owner (the owner is the one closing it). */
  discard(): void {
    this.owner = null;
    this.socket.destroy();
  }
}

export class Http1Pool {
  private readonly idle = new Map<EndpointState, UpstreamConn[]>();
  private readonly sweeper: NodeJS.Timeout;
  private closed = false;
  /** A coarse clock, set by each sweep: release() stamps connections with it instead of
   * reading the time per request. It lags by up to one sweep period, which only makes a
   * connection look older than it is. */
  private clock = Date.now();

  constructor() {
    // One timer for all idle connections instead of one per connection: it runs at a quarter
    // of the idle timeout, so with the coarse clock a connection lives between 3 and 5 s idle,
    // still below the replica's 5 s keep-alive timeout.
    this.sweeper = setInterval(() => this.sweep((this.clock = Date.now())), idleTimeoutMs / 4);
    this.sweeper.unref();
  }

  /** A pooled connection to `endpoint` (most recently used first), or a new one if `fresh`
   * is asked for or none is idle. The caller becomes its owner. */
  acquire(endpoint: EndpointState, owner: UpstreamOwner, fresh: boolean): UpstreamConn {
    const stack = fresh ? undefined : this.idle.get(endpoint);
    if (stack !== undefined) {
      while (stack.length > 0) {
        const conn = stack.pop()!;
        if (conn.socket.destroyed || !conn.socket.writable) continue;
        conn.owner = owner;
        conn.uses++;
        return conn;
      }
    }
    return new UpstreamConn(endpoint, owner, this);
  }

  /** Returns a connection whose exchange completed cleanly. */
  release(conn: UpstreamConn): void {
    conn.owner = null;
    const endpoint = conn.endpoint;
    if (this.closed || endpoint.removed || conn.socket.destroyed || !conn.socket.writable) {
      conn.socket.destroy();
      return;
    }
    let stack = this.idle.get(endpoint);
    if (stack === undefined) {
      stack = [];
      this.idle.set(endpoint, stack);
    }
    if (stack.length >= maxIdlePerEndpoint) {
      conn.socket.destroy();
      return;
    }
    conn.idleSince = this.clock;
    stack.push(conn);
  }

  /** Called from a connection's close event. */
  forget(conn: UpstreamConn): void {
    const stack = this.idle.get(conn.endpoint);
    if (stack === undefined) return;
    const i = stack.indexOf(conn);
    if (i !== -1) stack.splice(i, 1);
  }

  /** Closes the idle connections of an endpoint (it left the ready set or moved). */
  closeIdle(endpoint: EndpointState): void {
    const stack = this.idle.get(endpoint);
    if (stack === undefined) return;
    this.idle.delete(endpoint);
    for (const conn of stack) conn.socket.destroy();
  }

  idleCount(endpoint: EndpointState): number {
    return this.idle.get(endpoint)?.length ?? 0;
  }

  close(): void {
    this.closed = true;
    clearInterval(this.sweeper);
    for (const endpoint of [...this.idle.keys()]) this.closeIdle(endpoint);
  }

  private sweep(now: number): void {
    for (const [endpoint, stack] of this.idle) {
      // The stack is ordered by release time, oldest first.
      let stale = 0;
      while (stale < stack.length && now - stack[stale]!.idleSince >= idleTimeoutMs) stale++;
      if (stale === 0) continue;
      for (const conn of stack.splice(0, stale)) conn.socket.destroy();
      if (stack.length === 0) this.idle.delete(endpoint);
    }
  }
}
