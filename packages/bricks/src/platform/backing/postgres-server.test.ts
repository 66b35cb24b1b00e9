// The local PostgreSQL program over real sockets, with node-postgres as the client: many
// connections at once each get their own answers (PGlite is one session), a transaction is not
// seen half-done, and a kill -9 loses no committed row. The same suite runs on the embedded
// engine and on the machine's PostgreSQL (skipped where it is not installed, required under CI).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import pg from 'pg';
import { SECRETS_DIR_VARIABLE } from '@bricks/sdk/platform-env';
import { freePort } from '../runtime/ports.ts';
import { POSTGRES_SERVER } from './local-postgres.ts';

const PASSWORD = 'test-password';

interface Server {
  readonly port: number;
  readonly child: ChildProcess;
  readonly output: () => string;
}

async function start(t: TestContext, engine: string, dir: string, port: number, more: readonly string[] = []): Promise<Server> {
  const also = more.flatMap((d) => ['--also', d]);
  const child = spawn(process.execPath, [POSTGRES_SERVER, '--engine', engine, '--data', join(dir, 'data'), '--database', 'shop', ...also, '--password-secret', 'db_password'], {
    env: { ...process.env, PORT: String(port), [SECRETS_DIR_VARIABLE]: join(dir, 'secrets') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise((r) => child.once('exit', r));
  t.after(async () => {
    // SIGTERM first: the program stops its own PostgreSQL child (a SIGKILL would orphan it).
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(killer);
  });
  // Ready when it says so: it listens only once the database answers.
  const deadline = Date.now() + 90_000;
  while (!/ready on/.test(output)) {
    assert.ok(child.exitCode === null && Date.now() < deadline, `the server did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { port, child, output: () => output };
}

/** kill -9, and wait for the process to be gone. */
async function kill(server: Server): Promise<void> {
  const exited = new Promise((r) => server.child.once('exit', r));
  server.child.kill('SIGKILL');
  await exited;
}

function pool(port: number, database = 'shop'): pg.Pool {
  const p = new pg.Pool({ host: '127.0.0.1', port, user: 'postgres', database, password: PASSWORD, max: 8 });
  p.on('error', () => undefined);
  return p;
}

/**
 * What the server answers a client that asks for TLS first (psql's sslmode=prefer does), then
 * sends its startup message for `database`: the one-byte answer and the first message after it.
 */
async function afterSslRequest(port: number, database: string): Promise<{ answer: string; next: Buffer }> {
  const socket = net.connect(port, '127.0.0.1');
  try {
    let got = Buffer.alloc(0);
    socket.on('data', (d: Buffer) => (got = Buffer.concat([got, d])));
    const until = async (n: number) => {
      const deadline = Date.now() + 10_000;
      while (got.length < n) {
        assert.ok(Date.now() < deadline && !socket.destroyed, `only ${got.length} bytes came back`);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    const ssl = Buffer.alloc(8);
    ssl.writeInt32BE(8, 0);
    ssl.writeInt32BE(80877103, 4);
    socket.write(ssl);
    await until(1);
    const body = Buffer.from(`user\0postgres\0database\0${database}\0\0`);
    const startup = Buffer.alloc(8);
    startup.writeInt32BE(8 + body.length, 0);
    startup.writeInt32BE(196608, 4);
    socket.write(Buffer.concat([startup, body]));
    // The message's type and length, then the whole of it.
    await until(6);
    await until(1 + 1 + got.readInt32BE(2));
    return { answer: got.subarray(0, 1).toString(), next: got.subarray(1, 2 + got.readInt32BE(2)) };
  } finally {
    socket.destroy();
  }
}

function prepare(t: TestContext, engine: string): string {
  const dir = mkdtempSync(join(tmpdir(), `bricks-pg-${engine}-`));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // As a project folder is: others may pass through (the system server runs as postgres when we are root).
  chmodSync(dir, 0o755);
  mkdirSync(join(dir, 'secrets'));
  writeFileSync(join(dir, 'secrets', 'db_password'), `${PASSWORD}\n`);
  return dir;
}

function systemPostgres(): boolean {
  return existsSync('/usr/lib/postgresql') || existsSync('/usr/local/bin/postgres');
}

for (const engine of ['embedded', 'system'] as const) {
  const missing = engine === 'system' && !systemPostgres();
  if (missing && process.env['CI'] === 'true') throw new Error('the system engine test needs PostgreSQL (Debian: apt-get install postgresql)');
  describe(`postgres-server --engine ${engine}`, { skip: missing ? 'no PostgreSQL server installed here (apt-get install postgresql)' : false, timeout: 240_000 }, () => {
    test('concurrent clients get their own results, transactions are whole, a kill -9 keeps every commit', async (t) => {
      const dir = prepare(t, engine);
      const port = await freePort();
      const first = await start(t, engine, dir, port);
      const db = pool(port);
      t.after(() => db.end().catch(() => undefined));

      await db.query('create table if not exists items (id serial primary key, n int not null)');
      // 200 parameterised queries from 8 connections at once, and 50 transactions among them:
      // each answer is its own query's, and no transaction sees another's row.
      await Promise.all(
        Array.from({ length: 250 }, async (_, i) => {
          if (i % 5 === 0) {
            const c = await db.connect();
            try {
              await c.query('begin');
              await c.query('insert into items (n) values ($1)', [i]);
              const { rows } = await c.query<{ k: number }>('select count(*)::int as k from items where n = $1', [i]);
              assert.equal(rows[0]?.k, 1);
              await c.query('commit');
            } finally {
              c.release();
            }
          } else {
            const { rows } = await db.query<{ x: number; y: string }>('select $1::int as x, $2::text as y', [i, `v${i}`]);
            assert.deepEqual(rows[0], { x: i, y: `v${i}` });
          }
        }),
      );
      assert.equal((await db.query<{ k: number }>('select count(*)::int as k from items')).rows[0]?.k, 50);
      if (engine === 'system') {
        const wrong = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'shop', password: 'wrong' });
        await assert.rejects(wrong.connect(), /password authentication failed/);
      }

      // kill -9 with a committed row just written: the next server on the same data has it.
      await db.query('insert into items (n) values (-1)');
      first.child.kill('SIGKILL');
      await new Promise((r) => first.child.once('exit', r));
      await start(t, engine, dir, port);
      assert.equal((await db.query<{ k: number }>('select count(*)::int as k from items')).rows[0]?.k, 51);
      assert.doesNotMatch(first.output(), new RegExp(PASSWORD), 'the password is never logged');
    });

    test('several databases on one server: each its own tables, an unknown one refused, all kept across a kill -9, one declared later made', async (t) => {
      const dir = prepare(t, engine);
      const port = await freePort();
      const first = await start(t, engine, dir, port, ['scores']);
      const shop = pool(port);
      const scores = pool(port, 'scores');
      t.after(() => Promise.all([shop.end(), scores.end()]).catch(() => undefined));
      const count = async (p: pg.Pool) => (await p.query<{ k: number }>('select count(*)::int as k from t')).rows[0]?.k;

      await shop.query('create table t (n int)');
      await shop.query('insert into t values (1)');
      // The same name in the other database is another table.
      assert.equal((await scores.query<{ r: string | null }>(`select to_regclass('t')::text as r`)).rows[0]?.r, null);
      await scores.query('create table t (n int)');
      await scores.query('insert into t values (1), (2)');
      // Both at once, each connection on its own database.
      const [a, b] = await Promise.all([count(shop), count(scores)]);
      assert.deepEqual([a, b], [1, 2]);
      // The machine's server names each; every PGlite calls its one database `postgres` (README).
      if (engine === 'system') {
        assert.equal((await shop.query<{ d: string }>('select current_database() as d')).rows[0]?.d, 'shop');
        assert.equal((await scores.query<{ d: string }>('select current_database() as d')).rows[0]?.d, 'scores');
      }

      const unknown = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'nope', password: PASSWORD });
      await assert.rejects(unknown.connect(), (err: unknown) => {
        const e = err as { code?: string; message?: string; severity?: string };
        assert.equal(e.code, '3D000');
        assert.equal(e.message, 'database "nope" does not exist');
        assert.equal(e.severity, 'FATAL');
        return true;
      });
      await unknown.end().catch(() => undefined);
      if (engine === 'embedded') {
        // Asked for TLS first: 'N', then the startup message is routed as any (the machine's server
        // asks for a password before it looks at the database, so this is the embedded engine's).
        const known = await afterSslRequest(port, 'scores');
        assert.equal(known.answer, 'N');
        assert.equal(known.next.subarray(0, 1).toString(), 'R', 'an authentication message: the database took the connection');
        const refused = await afterSslRequest(port, 'nope');
        assert.equal(refused.answer, 'N');
        assert.equal(refused.next.subarray(0, 1).toString(), 'E');
        assert.match(refused.next.toString('utf8'), /SFATAL\0VFATAL\0C3D000\0Mdatabase "nope" does not exist\0/);
      }

      // Killed (kill -9) and started with one more database declared: the old ones keep every
      // committed row, the new one is there.
      await kill(first);
      await start(t, engine, dir, port, ['scores', 'extra']);
      assert.deepEqual(await Promise.all([count(shop), count(scores)]), [1, 2]);
      const extra = pool(port, 'extra');
      t.after(() => extra.end().catch(() => undefined));
      assert.equal((await extra.query<{ r: string | null }>(`select to_regclass('t')::text as r`)).rows[0]?.r, null);
      if (engine === 'system') assert.equal((await extra.query<{ d: string }>('select current_database() as d')).rows[0]?.d, 'extra');
    });
  });
}
