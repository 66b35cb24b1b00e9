// A backing PostgreSQL on the local platform, through the real CLI: declared as Compose does
// (the official image, its password a secret, its data a named volume), run embedded, reached at
// its address with node-postgres; its data kept across `bricks down` / `up`, its output in `bricks
// logs`, and removed by `bricks down --volumes`; a second database on the same server
// (x-bricks.backing.databases) is a database of its own, kept as the first is.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import pg from 'pg';
import { project } from './helpers/bricks.ts';

const STACK = [
  'services:',
  '  db:',
  '    image: postgres:16',
  '    environment: { POSTGRES_DB: shop, POSTGRES_PASSWORD_FILE: /run/secrets/db_password }',
  '    secrets: [db_password]',
  '    volumes: [db-data:/var/lib/postgresql/data]',
  '    x-bricks: { backing: { databases: [audit] } }',
  'volumes: { db-data: {} }',
  'secrets: { db_password: { file: ./db_password.txt } }',
  '',
].join('\n');

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const u = new URL(url);
  const c = new pg.Client({ host: u.hostname, port: Number(u.port), user: u.username, database: u.pathname.slice(1), password: 'unused-by-the-embedded-server' });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

test('a backing PostgreSQL: its URL, its data across down and up, its logs, and down --volumes', { timeout: 180_000 }, async (t) => {
  const p = project(t, STACK);
  p.write('db_password.txt', 'dev-password\n');
  const up = async (): Promise<string> => {
    const r = await p.bricks('up', '-d', '--wait', '90');
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    const db = (await p.ps()).services.find((s) => s.name === 'db');
    assert.equal(db?.ready, 1);
    return db.address;
  };
  const url = await up();
  assert.match(url, /^postgres:\/\/postgres@127\.0\.0\.1:\d+\/shop$/);
  await withClient(url, async (c) => {
    await c.query('create table orders (id int primary key, item text not null)');
    await c.query("insert into orders values (1, 'tea'), (2, 'cake')");
  });
  // The same server, another database: the same table name is another table.
  const audit = url.replace(/\/shop$/, '/audit');
  await withClient(audit, async (c) => {
    await c.query('create table orders (id int primary key, item text not null)');
    await c.query("insert into orders values (1, 'audited')");
  });
  const logs = await p.bricks('logs', 'db', '--no-color');
  assert.match(logs.stdout, /embedded \(PGlite\) ready on 127\.0\.0\.1:\d+/);
  assert.doesNotMatch(logs.stdout, /dev-password/);
  assert.ok(existsSync(join(p.dir, '.bricks', 'data', 'db', 'PG_VERSION')), 'its data is in .bricks/data/db');
  assert.ok(existsSync(join(p.dir, '.bricks', 'data', 'db', 'bricks-databases', 'audit', 'PG_VERSION')), "the second database's in a folder of its own");

  assert.equal((await p.bricks('down')).code, 0);
  assert.equal(await up(), url, 'the same address after down and up');
  const items = await withClient(url, async (c) => (await c.query<{ item: string }>('select item from orders order by id')).rows.map((r) => r.item));
  assert.deepEqual(items, ['tea', 'cake'], 'the data outlived down');
  const audited = await withClient(audit, async (c) => (await c.query<{ item: string }>('select item from orders order by id')).rows.map((r) => r.item));
  assert.deepEqual(audited, ['audited'], "the second database's too");

  const gone = await p.bricks('down', '--volumes');
  assert.equal(gone.code, 0, gone.stderr);
  assert.match(gone.stdout, /removed the backing services' data/);
  assert.equal(existsSync(join(p.dir, '.bricks', 'data')), false);
  await up();
  await withClient(url, async (c) => {
    await assert.rejects(c.query('select 1 from orders'), /relation "orders" does not exist/);
  });
});
