// Moves an accepted connection onto a socket that reads into a caller's buffer (`onread`), the
// way upstream connections read (see http1-pool.ts). Node offers `onread` only for sockets it
// connects, not for ones a server accepts; reading through it skips a Buffer allocation and the
// Readable stream machinery (push, 'data', a nextTick) on every read.
import net from 'node:net';

/** The private field Node keeps an accepted socket's libuv handle in (lib/net.js). */
interface HandleHolder {
  _handle: object | null;
}

/**
 * A socket over `accepted`'s connection that delivers reads through `onread`. The returned
 * socket owns the connection from now on: `accepted` becomes an empty shell, destroyed once the
 * new socket closes so its server counts the connection for exactly as long as it is open
 * (`server.close()` waits for that). Call it before `accepted` was paused or ended, from a
 * 'data' handler or right after 'connection'.
 */
export function adoptWithReadBuffer(accepted: net.Socket, onread: net.OnReadOpts): net.Socket {
  const shell = accepted as unknown as HandleHolder;
  const handle = shell._handle;
  if (handle === null || typeof handle !== 'object') return readThroughStream(accepted, onread);
  shell._handle = null;
  // `handle` is the constructor option net.Server itself wraps accepted connections with.
  const socket = new net.Socket({ handle, allowHalfOpen: accepted.allowHalfOpen, onread } as net.SocketConstructorOpts);
  socket.once('close', () => accepted.destroy());
  return socket;
}

/** The fallback where the handle is not reachable: 'data' chunks copied into the buffer. */
function readThroughStream(socket: net.Socket, onread: net.OnReadOpts): net.Socket {
  const buffer = typeof onread.buffer === 'function' ? onread.buffer() : onread.buffer;
  socket.on('data', (chunk: Buffer) => {
    for (let at = 0; at < chunk.length; ) {
      const n = chunk.copy(buffer, 0, at);
      at += n;
      if (onread.callback(n, buffer) === false) socket.pause();
    }
  });
  return socket;
}
