// The TCP service address of a backing service: whole connections piped to a ready endpoint,
// held (not refused) while none is ready, dropped once the wait is over.
import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { startTcpProxy } from './tcp-proxy.ts';

/** An echo server that prefixes what it sends back with its name. */
async function echo(t: { after: (fn: () => Promise<void>) => void }, name: string): Promise<number> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('data', (d) => s.write(`${name}:${d.toString()}`));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
  });
  return (server.address() as net.AddressInfo).port;
}

/** What comes back for `text`; '' when the connection is closed (or reset) instead. */
function exchange(port: number, text: string): Promise<string> {
  return new Promise((resolve) => {
    const c = net.connect({ host: '127.0.0.1', port }, () => c.write(text));
    c.once('data', (d) => {
      resolve(d.toString());
      c.destroy();
    });
    c.once('error', () => resolve(''));
    c.once('close', () => resolve(''));
  });
}

test('pipes connections to ready endpoints, holds one while none is ready, drops it after the wait', async (t) => {
  const a = await echo(t, 'a');
  const b = await echo(t, 'b');
  const proxy = await startTcpProxy({ service: 'db', port: 0, waitForEndpointMs: 300 });
  t.after(() => proxy.close());

  // None ready: the connection waits, and gets its answer once an endpoint comes.
  const held = exchange(proxy.port, 'hello');
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(proxy.load().waiting, 1);
  proxy.setEndpoints([{ id: 'db.1', host: '127.0.0.1', port: a }]);
  assert.equal(await held, 'a:hello');

  // Balanced over the ready set, one whole connection at a time.
  proxy.setEndpoints([{ id: 'db.1', host: '127.0.0.1', port: a }, { id: 'db.2', host: '127.0.0.1', port: b }]);
  const answers = await Promise.all([exchange(proxy.port, 'x'), exchange(proxy.port, 'y')]);
  assert.deepEqual(answers.map((s) => s[0]).sort(), ['a', 'b']);

  // None again: after the wait the client's connection is closed, and counted as a failure.
  proxy.setEndpoints([]);
  const started = Date.now();
  assert.equal(await exchange(proxy.port, 'late'), '');
  assert.ok(Date.now() - started >= 250, 'it waited first');
  assert.equal(proxy.stats().noEndpoint, 1);
  assert.ok(await proxy.drained('db.1', 10), 'a database connection never holds up a drain');
});
