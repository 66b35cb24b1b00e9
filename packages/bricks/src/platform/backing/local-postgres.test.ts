// The argv a local backing PostgreSQL's replica runs: its data folder, its first database, and each
// further one (x-bricks.backing.databases) for the server to open beside it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeService } from '../../targets/testing/stack-fixture.ts';
import { localBackingCommand, POSTGRES_SERVER } from './local-postgres.ts';

test('the server is given every declared database: --database first, then --also each further one', () => {
  const db = makeService('db', { image: 'postgres:16', environment: { POSTGRES_DB: 'arcade' }, 'x-bricks': { run: undefined, health: undefined, backing: { local: 'system', databases: ['catalog', 'scores'] } } });
  assert.ok(db.backing);
  const command = localBackingCommand(db, db.backing, '/p/.bricks/data');
  assert.equal(command.kind, 'argv');
  const argv = command.kind === 'argv' ? command.argv : [];
  assert.deepEqual(argv.slice(1), [POSTGRES_SERVER, '--engine', 'system', '--data', '/p/.bricks/data/db', '--user', 'postgres', '--database', 'arcade', '--also', 'catalog', '--also', 'scores']);
});
