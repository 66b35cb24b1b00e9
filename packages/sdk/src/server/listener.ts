// One port for every protocol: each new connection's first bytes decide where it goes — the
// fast preamble to the fast server, the HTTP/2 preface ("PRI * HTTP/2.0") to the h2c server,
// anything else to the HTTP/1.1 server.
import type { Server as HttpServer } from 'node:http';
import type { Http2Server } from 'node:http2';
import { createServer, type Server as NetServer, type Socket } from 'node:net';

export interface SniffTargets {
  readonly http1: HttpServer;
  readonly http2: Http2Server;
  readonly fast?: { readonly isPreamble: (b: Uint8Array) => boolean; accept(socket: Socket, first: Buffer): void };
}

const h2Preface = Buffer.from('PRI * HTTP/2.0\r\n');

export type Sniffed = 'fast' | 'h2' | 'http1' | 'undecided';

/** Pure: what a connection is, given the bytes seen so far. */
export function sniff(buf: Buffer, isFast: ((b: Uint8Array) => boolean) | undefined): Sniffed {
  if (buf.length === 0) return 'undecided';
  if (isFast?.(buf)) return 'fast';
  const n = Math.min(buf.length, h2Preface.length);
  if (buf.subarray(0, n).equals(h2Preface.subarray(0, n))) return n === h2Preface.length ? 'h2' : 'undecided';
  return 'http1';
}

export function sniffingServer(targets: SniffTargets): { server: NetServer; sockets: Set<Socket>; http1Sockets: Set<Socket> } {
  const sockets = new Set<Socket>();
  // HTTP/1 connections handed over this way are not tracked by the http server (it never
  // listened), so closeIdleConnections() cannot see them: the caller closes idle ones itself.
  const http1Sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let seen: Buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      seen = seen.length === 0 ? chunk : Buffer.concat([seen, chunk]);
      const kind = sniff(seen, targets.fast?.isPreamble);
      if (kind === 'undecided') return;
      socket.removeListener('data', onData);
      switch (kind) {
        case 'fast':
          // Stays flowing: the fast server reads with 'data' listeners and pauses for back-pressure itself.
          targets.fast!.accept(socket, seen);
          return;
        case 'h2':
          // The h2 session takes the bytes read so far from the socket's buffer (unshift).
          socket.pause();
          socket.unshift(seen);
          targets.http2.emit('connection', socket);
          return;
        case 'http1':
          socket.pause();
          socket.unshift(seen);
          http1Sockets.add(socket);
          socket.once('close', () => http1Sockets.delete(socket));
          targets.http1.emit('connection', socket);
          // The HTTP/1 server reads with 'data' listeners, which a paused socket never fires.
          socket.resume();
          return;
      }
    };
    socket.on('data', onData);
  });
  return { server, sockets, http1Sockets };
}
