// Taking over an accepted connection to read into a shared buffer: bytes arrive through the
// callback, writes and half-close still work, and the server's close waits for the connection.
import assert from 'node:assert/strict';
import net from 'node:net';
import { test, type TestContext } from 'node:test';
import { adoptWithReadBuffer } from './read-buffer-socket.ts';

/** Polls `check` until it holds or 2 s pass (a generous bound for loopback round trips). */
async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 2000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}

async function listen(t: TestContext, onSocket: (socket: net.Socket) => void): Promise<{ server: net.Server; port: number }> {
  const server = net.createServer({ allowHalfOpen: true }, onSocket);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { server, port: (server.address() as net.AddressInfo).port };
}

test('an adopted connection reads into the buffer, answers after a half-close, and its server waits for it', async (t) => {
  const buffer = Buffer.alloc(16); // smaller than the data, so one write arrives in several reads
  let received = '';
  let adopted: net.Socket | undefined;
  const { server, port } = await listen(t, (accepted) => {
    accepted.once('data', (first: Buffer) => {
      received += first.toString();
      adopted = adoptWithReadBuffer(accepted, {
        buffer,
        callback: (n, buf) => {
          assert.equal(buf, buffer);
          received += buffer.toString('latin1', 0, n);
          return true;
        },
      });
      adopted.on('end', () => adopted!.end('bye'));
    });
  });
  const client = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  t.after(() => client.destroy());
  let reply = '';
  client.on('data', (chunk: Buffer) => (reply += chunk.toString()));
  client.write('hello');
  await until(() => adopted !== undefined, 'the adoption');
  const body = 'x'.repeat(100);
  client.write(body);
  await until(() => received === `hello${body}`, 'every byte through the callback');
  // The server counts the connection until the adopted socket is gone.
  let serverClosed = false;
  server.close(() => (serverClosed = true));
  await new Promise((r) => setImmediate(r));
  assert.equal(serverClosed, false);
  client.end();
  await until(() => reply === 'bye', 'the reply after the half-close');
  await until(() => serverClosed, 'server close');
});

test('without a reachable handle, data chunks are copied through the buffer in pieces', () => {
  const socket = new net.Socket(); // not connected: no handle to take over
  const buffer = Buffer.alloc(4);
  const pieces: string[] = [];
  const same = adoptWithReadBuffer(socket, {
    buffer,
    callback: (n) => {
      pieces.push(buffer.toString('latin1', 0, n));
      return true;
    },
  });
  assert.equal(same, socket);
  socket.emit('data', Buffer.from('abcdefghij'));
  assert.deepEqual(pieces, ['abcd', 'efgh', 'ij']);
  socket.destroy();
});
