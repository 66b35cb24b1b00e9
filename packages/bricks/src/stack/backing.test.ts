// Backing services as the stack file says them: the well-known image, x-bricks.backing, the
// official image's variables, and the mistakes a user makes, located.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backingUrlVariables, connectionUrl, databasesOf, formatProblem, isPostgresImage, servicePort } from './index.ts';
import type { LoadResult } from './index.ts';
import { parseStack } from './load.ts';

const FILE = '/project/bricks.yaml';
const parse = (lines: readonly string[]): LoadResult => parseStack(lines.join('\n') + '\n', FILE, {}, () => 'pw\n');

function ok(lines: readonly string[]) {
  const r = parse(lines);
  assert.ok(r.ok, r.ok ? '' : r.problems.map(formatProblem).join('\n'));
  return r.stack;
}

test('the official image under its spellings is PostgreSQL; others are not', () => {
  for (const image of ['postgres', 'postgres:16', 'library/postgres:15-alpine', 'docker.io/library/postgres:16', `postgres@sha256:${'a'.repeat(64)}`]) assert.ok(isPostgresImage(image), image);
  for (const image of ['bitnami/postgresql:16', 'postgres-exporter', 'mypostgres:1', 'ghcr.io/x/postgres:1', undefined]) assert.ok(!isPostgresImage(image), String(image));
});

test('a postgres image with a password secret: database, user, secret and port 5432', () => {
  const stack = ok([
    'services:',
    '  db:',
    '    image: postgres:16',
    '    environment: { POSTGRES_PASSWORD_FILE: /run/secrets/db_password, POSTGRES_DB: arcade }',
    '    secrets: [db_password]',
    '    volumes: [db-data:/var/lib/postgresql/data]',
    '  app: { image: app }',
    'volumes: { db-data: {} }',
    'secrets: { db_password: { file: ./pw.txt } }',
  ]);
  const db = stack.services['db'];
  assert.deepEqual(db?.backing, { kind: 'postgres', user: 'postgres', database: 'arcade', passwordSecret: 'db_password' });
  assert.equal(servicePort(db), 5432);
  assert.equal(stack.services['app']?.backing, undefined);
  assert.equal(connectionUrl(db.backing, '127.0.0.1', 7105), 'postgres://postgres@127.0.0.1:7105/arcade');
});

test('x-bricks.backing says it for any image, asks for the system server, or opts out', () => {
  const stack = ok([
    'services:',
    '  a: { image: bitnami/postgresql, x-bricks: { backing: postgres }, environment: { POSTGRES_USER: app } }',
    '  b: { image: postgres:16, x-bricks: { backing: { local: system } } }',
    '  c: { image: postgres:16, x-bricks: { backing: false } }',
  ]);
  assert.deepEqual(stack.services['a']?.backing, { kind: 'postgres', user: 'app', database: 'app' });
  assert.deepEqual(stack.services['b']?.backing, { kind: 'postgres', local: 'system', user: 'postgres', database: 'postgres' });
  assert.equal(stack.services['c']?.backing, undefined);
});

test('bad input is named by line and key; a password in the environment is refused without repeating it', () => {
  const r = parse([
    'services:',
    '  a: { image: postgres, x-bricks: { backing: mysql } }',
    '  b: { image: postgres, x-bricks: { backing: { local: docker } } }',
    '  c:',
    '    image: postgres',
    '    environment: { POSTGRES_PASSWORD: hunter2 }',
    '  d:',
    '    image: postgres',
    '    environment: { POSTGRES_PASSWORD_FILE: /run/secrets/nope }',
  ]);
  assert.equal(r.ok, false);
  const problems = r.ok ? [] : r.problems.map(formatProblem);
  assert.equal(problems.length, 4, problems.join('\n'));
  assert.match(problems[0] ?? '', /bricks\.yaml:2:\d+: services\.a\.x-bricks\.backing: .*postgres/);
  assert.match(problems[1] ?? '', /bricks\.yaml:3:\d+: services\.b\.x-bricks\.backing\.local: .*embedded.*system/);
  assert.match(problems[2] ?? '', /bricks\.yaml:6:\d+: services\.c\.environment\.POSTGRES_PASSWORD: .*secrets are files/);
  assert.doesNotMatch(problems.join('\n'), /hunter2/);
  assert.match(problems[3] ?? '', /bricks\.yaml:9:\d+: services\.d\.environment\.POSTGRES_PASSWORD_FILE: \/run\/secrets\/nope/);
});

test('x-bricks.ambassador: read into the model; a bad URL, a credential in it, or an unlisted secret are named', () => {
  const stack = ok([
    'services:',
    '  payments:',
    '    x-bricks:',
    '      ambassador: { url: "https://api.example.com/v1", timeout: 2s, retries: 1, credential: { header: Authorization, secret: tok, scheme: Bearer } }',
    '    secrets: [tok]',
    'secrets: { tok: { file: ./tok.txt } }',
  ]);
  assert.deepEqual(stack.services['payments']?.bricks.ambassador, { url: 'https://api.example.com/v1', timeoutMs: 2000, retries: 1, credential: { header: 'authorization', secret: 'tok', scheme: 'Bearer' } });
  const r = parse([
    'services:',
    '  a: { x-bricks: { ambassador: { url: "ftp://x" } } }',
    '  b: { x-bricks: { ambassador: { url: "https://user:pw@x.example" } } }',
    '  c: { x-bricks: { ambassador: { url: "https://x.example", credential: { header: authorization, secret: nope } } } }',
    '  d: { x-bricks: { ambassador: { timeout: 1s } } }',
  ]);
  const problems = r.ok ? [] : r.problems.map(formatProblem);
  assert.equal(problems.length, 4, problems.join('\n'));
  assert.match(problems[0] ?? '', /bricks\.yaml:2:\d+: services\.a\.x-bricks\.ambassador\.url: expected an http/);
  assert.match(problems[1] ?? '', /bricks\.yaml:3:\d+: services\.b\.x-bricks\.ambassador\.url: .*without credentials/);
  assert.doesNotMatch(problems.join('\n'), /user:pw/);
  assert.match(problems[2] ?? '', /services\.c\.x-bricks\.ambassador\.credential\.secret: nope is not one of c's secrets/);
  assert.match(problems[3] ?? '', /bricks\.yaml:5:\d+: services\.d\.x-bricks\.ambassador: .*needs url/);
});

test('x-bricks.backing.databases: more databases beside POSTGRES_DB, each with its own URL variable', () => {
  const stack = ok([
    'services:',
    '  db:',
    '    image: postgres:16',
    '    environment: { POSTGRES_DB: arcade }',
    '    x-bricks: { backing: { databases: [arcade, catalog, scores] } }',
    '  other: { image: postgres:16, x-bricks: { backing: { local: system, databases: [] } } }',
  ]);
  const db = stack.services['db'];
  // POSTGRES_DB stays the first; naming it in the list again changes nothing.
  assert.deepEqual(db?.backing, { kind: 'postgres', user: 'postgres', database: 'arcade', moreDatabases: ['catalog', 'scores'] });
  assert.deepEqual(databasesOf(db.backing), ['arcade', 'catalog', 'scores']);
  assert.deepEqual(backingUrlVariables('db', db.backing, 'db', 5432), {
    DB_URL: 'postgres://postgres@db:5432/arcade',
    DB_CATALOG_URL: 'postgres://postgres@db:5432/catalog',
    DB_SCORES_URL: 'postgres://postgres@db:5432/scores',
  });
  assert.deepEqual(stack.services['other']?.backing, { kind: 'postgres', local: 'system', user: 'postgres', database: 'postgres' });
});

test('x-bricks.backing.databases: a name PostgreSQL would fold or refuse, or one listed twice, is named by line and item', () => {
  const r = parse([
    'services:',
    '  a: { image: postgres, x-bricks: { backing: { databases: [Catalog] } } }',
    '  b:',
    '    image: postgres',
    '    x-bricks:',
    '      backing:',
    '        databases:',
    '          - scores',
    '          - scores',
    '  c: { image: postgres, x-bricks: { backing: { databases: catalog } } }',
    '  d: { image: postgres, x-bricks: { backing: { databases: [1x, "a-b", ' + 'x'.repeat(64) + '] } } }',
  ]);
  assert.equal(r.ok, false);
  const problems = r.ok ? [] : r.problems.map(formatProblem);
  assert.equal(problems.length, 6, problems.join('\n'));
  assert.match(problems[0] ?? '', /bricks\.yaml:2:\d+: services\.a\.x-bricks\.backing\.databases\[0\]: "Catalog" is not a database name .*lower-case/);
  assert.match(problems[1] ?? '', /bricks\.yaml:9:\d+: services\.b\.x-bricks\.backing\.databases\[1\]: scores is listed twice/);
  assert.match(problems[2] ?? '', /bricks\.yaml:10:\d+: services\.c\.x-bricks\.backing\.databases: .*list/);
  assert.match(problems[3] ?? '', /bricks\.yaml:11:\d+: services\.d\.x-bricks\.backing\.databases\[0\]: "1x"/);
  assert.match(problems[4] ?? '', /services\.d\.x-bricks\.backing\.databases\[1\]: "a-b"/);
  assert.match(problems[5] ?? '', /services\.d\.x-bricks\.backing\.databases\[2\]: .*63 characters/);
});

test("x-bricks.backing.databases: a database's URL variable that is another service's address is refused", () => {
  const r = parse([
    'services:',
    '  db: { image: postgres, x-bricks: { backing: { databases: [catalog] } } }',
    '  db-catalog: { image: app }',
  ]);
  assert.equal(r.ok, false);
  const problems = r.ok ? [] : r.problems.map(formatProblem);
  assert.equal(problems.length, 1, problems.join('\n'));
  assert.match(problems[0] ?? '', /bricks\.yaml:2:\d+: services\.db\.x-bricks\.backing\.databases: DB_CATALOG_URL, database catalog's URL, is also service db-catalog's address/);
});
