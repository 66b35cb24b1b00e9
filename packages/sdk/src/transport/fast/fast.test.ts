// Behaviour of FastClient against FastServer over real loopback sockets.
import assert from 'node:assert/strict';
import { connect, createServer } from 'node:net';
import type { Socket } from 'node:net';
import { test } from 'node:test';
import { FastClient } from './client.ts';
import { listenFast } from './listen.ts';
import { FastCode, FastError } from './errors.ts';
import { FAST_PREAMBLE, isFastPreamble } from './preamble.ts';
import { FastServer } from './server.ts';
import type { FastHandler } from './server-connection.ts';
import { gate, startPair, until } from './test-support.ts';

const echo: FastHandler = async (path, payload, ctx) => ({ payload, headers: { path, got: ctx.headers.x ?? '' } });
const opts = (extra: Partial<{ signal: AbortSignal; timeoutMs: number; headers: Record<string, string> }> = {}) => ({
  timeoutMs: 5000,
  headers: {},
  ...extra,
});

async function rejection(p: Promise<unknown>): Promise<FastError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof FastError, `expected a FastError, got ${String(err)}`);
    return err;
  }
  assert.fail('call should have failed');
}

test('preamble is recognized, also from a short first chunk, and HTTP is not', () => {
  assert.equal(isFastPreamble(FAST_PREAMBLE), true);
  assert.equal(isFastPreamble(FAST_PREAMBLE.subarray(0, 1)), true);
  assert.equal(isFastPreamble(Buffer.concat([FAST_PREAMBLE, Buffer.from('more')])), true);
  assert.equal(isFastPreamble(new Uint8Array(0)), false);
  assert.equal(isFastPreamble(Buffer.from('GET / HTTP/1.1\r\n')), false);
  assert.equal(isFastPreamble(Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n')), false);
  assert.equal(isFastPreamble(Uint8Array.of(0x16, 0x03, 0x01)), false);
});

test('round trip carries path, payload and headers both ways', async (t) => {
  const { client } = await startPair(t, echo);
  const reply = await client.call('/pkg.Svc/Echo', Buffer.from('héllo'), opts({ headers: { x: 'ü-1' } }));
  assert.equal(Buffer.from(reply.payload).toString(), 'héllo');
  assert.deepEqual(reply.headers, { path: '/pkg.Svc/Echo', got: 'ü-1' });
  const empty = await client.call('/pkg.Svc/Echo', new Uint8Array(0), opts());
  assert.equal(empty.payload.length, 0);
});

test('many concurrent calls on one connection complete out of order with their own replies', async (t) => {
  // Handlers finish in reverse arrival order, so replies interleave on the wire.
  const waiting: (() => void)[] = [];
  const n = 300;
  const handler: FastHandler = async (_path, payload) => {
    const g = gate();
    waiting.push(() => g.open());
    if (waiting.length === n) for (const release of waiting.reverse()) release();
    await g.promise;
    return { payload };
  };
  const { client, listener } = await startPair(t, handler, { server: { maxConcurrentCallsPerConnection: n } });
  const replies = await Promise.all(
    Array.from({ length: n }, (_, i) => client.call('/p.S/M', Buffer.from(`call-${i}`), opts()).then((r) => Buffer.from(r.payload).toString())),
  );
  assert.deepEqual(
    replies,
    Array.from({ length: n }, (_, i) => `call-${i}`),
  );
  assert.equal(listener.server.connectionCount, 1);
});

test('handler errors travel with their status code and message', async (t) => {
  const handler: FastHandler = async (path) => {
    switch (path) {
      case '/e/NotFound':
        throw Object.assign(new Error('no such game'), { code: 5 });
      case '/e/Fast':
        throw new FastError(FastCode.PERMISSION_DENIED, 'not yours');
      case '/e/Plain':
        throw new Error('boom');
      default:
        throw Object.assign(new Error('weird'), { code: 99 });
    }
  };
  const { client } = await startPair(t, handler);
  const nf = await rejection(client.call('/e/NotFound', new Uint8Array(0), opts()));
  assert.deepEqual([nf.code, nf.message, nf.neverSent], [5, 'no such game', false]);
  const pd = await rejection(client.call('/e/Fast', new Uint8Array(0), opts()));
  assert.deepEqual([pd.code, pd.message], [FastCode.PERMISSION_DENIED, 'not yours']);
  assert.equal((await rejection(client.call('/e/Plain', new Uint8Array(0), opts()))).code, FastCode.UNKNOWN);
  assert.equal((await rejection(client.call('/e/Other', new Uint8Array(0), opts()))).code, FastCode.UNKNOWN);
});

test('deadline: server gets an absolute deadline, its signal aborts, client gets DEADLINE_EXCEEDED', async (t) => {
  let seen: { deadline: number; aborted: Promise<unknown> } | undefined;
  const handler: FastHandler = (_path, _payload, ctx) => {
    const aborted = new Promise((resolve) => ctx.signal.addEventListener('abort', () => resolve(ctx.signal.reason)));
    seen = { deadline: ctx.deadline, aborted };
    return new Promise(() => {}); // never answers on its own
  };
  const { client } = await startPair(t, handler);
  const before = Date.now();
  const err = await rejection(client.call('/slow/Call', new Uint8Array(0), opts({ timeoutMs: 60 })));
  assert.equal(err.code, FastCode.DEADLINE_EXCEEDED);
  assert.equal(err.neverSent, false);
  assert.ok(seen !== undefined);
  assert.ok(seen.deadline >= before + 60 - 5 && seen.deadline <= Date.now() + 60, `deadline ${seen.deadline - before} ms after start`);
  const reason = await seen.aborted;
  assert.ok(reason instanceof FastError);
  assert.ok(reason.code === FastCode.DEADLINE_EXCEEDED || reason.code === FastCode.CANCELLED);
});

test('client cancel reaches the handler and rejects with CANCELLED', async (t) => {
  const started = gate();
  let reason: unknown;
  const aborted = gate();
  const handler: FastHandler = (_path, _payload, ctx) => {
    ctx.signal.addEventListener('abort', () => {
      reason = ctx.signal.reason;
      aborted.open();
    });
    started.open();
    return new Promise(() => {});
  };
  const { client } = await startPair(t, handler);
  const ac = new AbortController();
  const call = client.call('/c/Call', new Uint8Array(0), opts({ signal: ac.signal }));
  await started.promise;
  ac.abort();
  const err = await rejection(call);
  assert.deepEqual([err.code, err.neverSent], [FastCode.CANCELLED, false]);
  await aborted.promise;
  assert.ok(reason instanceof FastError && reason.code === FastCode.CANCELLED);
  // Already aborted: fails at once and never leaves the client.
  const early = await rejection(client.call('/c/Call', new Uint8Array(0), opts({ signal: ac.signal })));
  assert.deepEqual([early.code, early.neverSent], [FastCode.CANCELLED, true]);
});

test('past the concurrent-call limit the server answers RESOURCE_EXHAUSTED without running the handler', async (t) => {
  const release = gate();
  let ran = 0;
  const handler: FastHandler = async (_p, payload) => {
    ran++;
    await release.promise;
    return { payload };
  };
  const { client } = await startPair(t, handler, { server: { maxConcurrentCallsPerConnection: 2 } });
  const a = client.call('/o/M', Buffer.from('a'), opts());
  const b = client.call('/o/M', Buffer.from('b'), opts());
  await until('two calls running', () => ran === 2);
  const err = await rejection(client.call('/o/M', Buffer.from('c'), opts()));
  assert.deepEqual([err.code, err.neverSent], [FastCode.RESOURCE_EXHAUSTED, true]);
  assert.equal(ran, 2);
  release.open();
  assert.equal(Buffer.from((await a).payload).toString(), 'a');
  assert.equal(Buffer.from((await b).payload).toString(), 'b');
  await client.call('/o/M', Buffer.from('d'), opts());
});

test('an oversized frame is refused with a clear error and its connection closed; the client recovers', async (t) => {
  const { client, listener } = await startPair(t, echo, { server: { maxFrameBytes: 1024 }, client: { maxFrameBytes: 1 << 20 } });
  await client.call('/f/M', Buffer.alloc(100), opts());
  const err = await rejection(client.call('/f/M', Buffer.alloc(4096), opts()));
  assert.equal(err.code, FastCode.RESOURCE_EXHAUSTED);
  assert.match(err.message, /exceeds the limit of 1024/);
  await until('old connection closed', () => listener.server.connectionCount === 0);
  const ok = await client.call('/f/M', Buffer.alloc(10), opts());
  assert.equal(ok.payload.length, 10);
});

test('a request larger than the client limit fails locally, never sent', async (t) => {
  const { client } = await startPair(t, echo, { client: { maxFrameBytes: 64 } });
  const err = await rejection(client.call('/f/M', Buffer.alloc(65), opts()));
  assert.deepEqual([err.code, err.neverSent], [FastCode.RESOURCE_EXHAUSTED, true]);
});

test('nobody listening: UNAVAILABLE and neverSent', async () => {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve));
  const client = new FastClient({ host: '127.0.0.1', port });
  try {
    const err = await rejection(client.call('/x/Y', new Uint8Array(0), opts()));
    assert.deepEqual([err.code, err.neverSent], [FastCode.UNAVAILABLE, true]);
  } finally {
    await client.close();
  }
});

test('server close: calls in flight finish within grace, new ones are refused as neverSent', async (t) => {
  const release = gate();
  const started = gate();
  const handler: FastHandler = async (_p, payload) => {
    started.open();
    await release.promise;
    return { payload };
  };
  const { client, listener } = await startPair(t, handler);
  const inFlight = client.call('/g/M', Buffer.from('kept'), opts());
  await started.promise;
  const closing = listener.server.close(5000);
  // A call after GOAWAY: a new connection, which the closing server drains at once.
  const late = rejection(client.call('/g/M', Buffer.from('late'), opts()));
  const lateErr = await late;
  assert.deepEqual([lateErr.code, lateErr.neverSent], [FastCode.UNAVAILABLE, true]);
  release.open();
  assert.equal(Buffer.from((await inFlight).payload).toString(), 'kept');
  await closing;
  assert.equal(listener.server.connectionCount, 0);
});

test('server close past grace aborts handlers and fails their calls with UNAVAILABLE', async (t) => {
  const started = gate();
  const aborted = gate();
  const handler: FastHandler = (_p, _payload, ctx) => {
    ctx.signal.addEventListener('abort', () => aborted.open());
    started.open();
    return new Promise(() => {});
  };
  const { client, listener } = await startPair(t, handler);
  const call = rejection(client.call('/g/M', new Uint8Array(0), opts()));
  await started.promise;
  await listener.server.close(20);
  await aborted.promise;
  const err = await call;
  assert.deepEqual([err.code, err.neverSent], [FastCode.UNAVAILABLE, false]);
});

test('GOAWAY under load: callers that retry neverSent calls see no failure', async (t) => {
  // One listener whose sockets go to the current FastServer: the old one drains, the new one takes over.
  let served = { first: 0, second: 0 };
  const make = (which: 'first' | 'second') =>
    new FastServer(async (_p, payload) => {
      served[which]++;
      await new Promise((resolve) => setImmediate(resolve));
      return { payload };
    });
  const first = make('first');
  const second = make('second');
  let current = first;
  const sockets = new Set<Socket>();
  const net = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.once('data', (chunk: Buffer) => current.acceptSocket(socket, chunk));
  });
  await new Promise<void>((resolve) => net.listen(0, '127.0.0.1', resolve));
  const client = new FastClient({ host: '127.0.0.1', port: (net.address() as { port: number }).port, maxConnections: 2 });
  t.after(async () => {
    await client.close();
    await Promise.all([first.close(0), second.close(0)]);
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => net.close(resolve));
  });

  let retries = 0;
  let failures = 0;
  const callWithRetry = async (i: number): Promise<void> => {
    for (let attempt = 0; ; attempt++) {
      try {
        const r = await client.call('/l/M', Buffer.from(String(i)), opts({ timeoutMs: 5000 }));
        assert.equal(Buffer.from(r.payload).toString(), String(i));
        return;
      } catch (err) {
        if (err instanceof FastError && err.neverSent && attempt < 10) {
          retries++;
          continue;
        }
        failures++;
        return;
      }
    }
  };
  const total = 3000;
  let next = 0;
  let switched: Promise<void> | undefined;
  const worker = async () => {
    while (next < total) {
      const i = next++;
      if (i === total / 3) {
        current = second;
        switched = first.close(5000);
      }
      await callWithRetry(i);
    }
  };
  await Promise.all(Array.from({ length: 100 }, worker));
  await switched;
  assert.equal(failures, 0);
  assert.ok(served.first > 0 && served.second > 0, `first ${served.first}, second ${served.second}`);
  assert.equal(served.first + served.second, total);
  t.diagnostic(`retried ${retries} neverSent calls`);
  served = { first: 0, second: 0 };
});

test('listener close does not wait for a connection that never sent a byte', { timeout: 5000 }, async () => {
  const listener = await listenFast(echo, 0);
  const idle = connect({ host: '127.0.0.1', port: listener.port });
  idle.on('error', () => {});
  try {
    await new Promise((resolve) => idle.once('connect', resolve));
    await listener.close(0);
    await new Promise((resolve) => (idle.closed ? resolve(undefined) : idle.once('close', resolve)));
  } finally {
    idle.destroy();
  }
});
