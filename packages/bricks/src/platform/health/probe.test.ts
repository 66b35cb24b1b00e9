// Probes against real sockets and processes: each kind must be able to say no.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { describe, it } from 'node:test';
import { runProbe } from './probe.ts';

const base = { host: '127.0.0.1', env: { PATH: process.env.PATH ?? '' }, cwd: tmpdir() };

describe('probes', () => {
  it('http: 2xx/3xx healthy, 5xx and timeouts not', async (t) => {
    let hang = false;
    const server = createServer((req, res) => {
      if (hang) return; // never answers
      res.statusCode = req.url === '/bad' ? 503 : 200;
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    t.after(() => {
      server.closeAllConnections();
      server.close();
    });
    const port = (server.address() as AddressInfo).port;
    assert.equal((await runProbe({ kind: 'http', path: '/ok' }, { ...base, port }, 500)).ok, true);
    const bad = await runProbe({ kind: 'http', path: '/bad' }, { ...base, port }, 500);
    assert.deepEqual(bad, { ok: false, detail: 'GET /bad answered 503' });
    hang = true;
    const slow = await runProbe({ kind: 'http', path: '/ok' }, { ...base, port }, 100);
    assert.match(slow.detail, /timed out after 100ms/);
  });

  it('tcp: connect succeeds on a listener, fails on a closed port', async (t) => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    assert.equal((await runProbe({ kind: 'tcp' }, { ...base, port }, 500)).ok, true);
    await new Promise<void>((r) => server.close(() => r()));
    t.after(() => server.close());
    const closed = await runProbe({ kind: 'tcp' }, { ...base, port }, 500);
    assert.equal(closed.ok, false);
    assert.match(closed.detail, /ECONNREFUSED/);
  });

  it('exec: exit code decides, the replica env is visible, hung commands time out', async () => {
    const env = { ...base.env, PORT: '1234' };
    const ok = await runProbe({ kind: 'exec', command: { kind: 'shell', script: 'test "$PORT" = 1234' } }, { ...base, env, port: 0 }, 2000);
    assert.equal(ok.ok, true);
    const no = await runProbe({ kind: 'exec', command: { kind: 'argv', argv: ['sh', '-c', 'echo sick >&2; exit 1'] } }, { ...base, port: 0 }, 2000);
    assert.deepEqual(no, { ok: false, detail: 'healthcheck exited 1: sick' });
    const hung = await runProbe({ kind: 'exec', command: { kind: 'shell', script: 'sleep 30' } }, { ...base, port: 0 }, 150);
    assert.match(hung.detail, /timed out/);
    const missing = await runProbe({ kind: 'exec', command: { kind: 'argv', argv: ['/no/such/binary'] } }, { ...base, port: 0 }, 500);
    assert.match(missing.detail, /could not run/);
  });
});
