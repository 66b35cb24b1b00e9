// What the daemon hands a replica: the SDK module's names, and the README's table saying so.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  AUTH_VARIABLE,
  DISCOVERY_URL_VARIABLE,
  IDENTITY_DIR_VARIABLE,
  IDENTITY_ISSUER_VARIABLE,
  GROUP_ENTRIES_VARIABLE,
  NOTIFY_FD_VARIABLE,
  PORT_VARIABLE,
  REPLICA_VARIABLE,
  RESILIENCE_VARIABLE,
  SECRETS_DIR_VARIABLE,
  SECRETS_KEY_VARIABLE,
  SERVICE_VARIABLE,
  SERVICES_VARIABLE,
  STACK_VARIABLE,
  STOP_GRACE_MS_VARIABLE,
} from '@bricks/sdk/platform-env';
import { makeStack } from '../../targets/testing/stack-fixture.ts';
import { replicaEnvironment } from './environment.ts';

const README = new URL('../../../../../README.md', import.meta.url);

function environment(): Record<string, string> {
  const stack = makeStack('arcade', { 'hi--score': { stop_grace_period: '7s', environment: { OWN: '1' }, 'x-bricks': { resilience: { timeout: '2s' } } }, 'catalog-api': {} });
  const service = stack.services['hi--score']!;
  return replicaEnvironment({ stack, service, replica: 'hi--score.2', port: 7000, addresses: { 'hi--score': 7101, 'catalog-api': 7102 }, discoveryUrl: 'http://127.0.0.1:1/v1/discovery' });
}

test('a replica gets the variables the SDK reads, under the names it reads them by', () => {
  const env = environment();
  assert.equal(env[PORT_VARIABLE], '7000');
  assert.equal(env[SERVICE_VARIABLE], 'hi--score');
  assert.equal(env[REPLICA_VARIABLE], 'hi--score.2');
  assert.equal(env[STACK_VARIABLE], 'arcade');
  assert.equal(env[DISCOVERY_URL_VARIABLE], 'http://127.0.0.1:1/v1/discovery');
  assert.equal(env[STOP_GRACE_MS_VARIABLE], '7000');
  assert.deepEqual(JSON.parse(env[RESILIENCE_VARIABLE] ?? ''), { timeout: '2s' });
  // The SDK's `<NAME>_URL` rule: one `_` for each character that is not a letter or digit.
  assert.equal(env['HI__SCORE_URL'], 'http://127.0.0.1:7101');
  assert.equal(env['CATALOG_API_URL'], 'http://127.0.0.1:7102');
  assert.equal(env['OWN'], '1');
});

test("README's table 'What every replica gets' names every variable the daemon sets", () => {
  const readme = readFileSync(README, 'utf8');
  const table = readme.slice(readme.indexOf('## What every replica gets'), readme.indexOf('## How the local platform behaves'));
  const own = new Set([...Object.keys(process.env), 'OWN']);
  const set = Object.keys(environment()).filter((k) => !own.has(k) && !k.endsWith('_URL'));
  // Set elsewhere: the runtime names the notice pipe, a group's unit carries its members.
  for (const name of [...set, NOTIFY_FD_VARIABLE, SERVICES_VARIABLE, GROUP_ENTRIES_VARIABLE, DISCOVERY_URL_VARIABLE, '<NAME>_URL']) {
    assert.ok(table.includes(`\`${name}\``), `README.md's table does not name ${name}`);
  }
});

test('no secret is in a replica’s environment: the variables of environment secrets and the store key stay behind', () => {
  const stack = makeStack('shop', { api: { secrets: ['tls'], 'x-bricks': { auth: { methods: { 'a.B/C': { scopes: ['x'] } } } } } }, { secrets: { tls: { environment: 'SHOP_TLS_KEY' } }, 'x-bricks': { auth: { issuer: 'local', audience: 'shop' } } });
  process.env['SHOP_TLS_KEY'] = 'tls-value';
  process.env[SECRETS_KEY_VARIABLE] = 'a-key';
  try {
    const env = replicaEnvironment({
      stack, service: stack.services['api']!, replica: 'api.1', port: 1, addresses: { api: 2 }, discoveryUrl: 'x',
      folders: { secretsDir: '/dev/shm/x/secrets', identityDir: '/dev/shm/x/identity' }, identityIssuer: 'http://127.0.0.1:9/v1/identity',
    });
    assert.equal(env['SHOP_TLS_KEY'], undefined);
    assert.equal(env[SECRETS_KEY_VARIABLE], undefined);
    assert.ok(!Object.values(env).includes('tls-value'));
    assert.equal(env[SECRETS_DIR_VARIABLE], '/dev/shm/x/secrets');
    assert.equal(env[IDENTITY_DIR_VARIABLE], '/dev/shm/x/identity');
    assert.equal(env[IDENTITY_ISSUER_VARIABLE], 'http://127.0.0.1:9/v1/identity');
    // `issuer: local` is this daemon, and the top level's issuer and audience join the service's rules.
    assert.deepEqual(JSON.parse(env[AUTH_VARIABLE] ?? ''), { issuer: 'http://127.0.0.1:9/v1/identity', audience: 'shop', methods: { 'a.B/C': { scopes: ['x'] } } });
  } finally {
    delete process.env['SHOP_TLS_KEY'];
    delete process.env[SECRETS_KEY_VARIABLE];
  }
});

test("a backing service's address is its connection URL, and each further database's has its own variable", () => {
  const stack = makeStack('shop', {
    db: { image: 'postgres:16', environment: { POSTGRES_DB: 'shop' }, 'x-bricks': { run: undefined, health: undefined, backing: { databases: ['audit'] } } },
    api: {},
  });
  const env = replicaEnvironment({ stack, service: stack.services['api']!, replica: 'api.1', port: 7000, addresses: { db: 7105, api: 7101 }, discoveryUrl: 'http://127.0.0.1:1/v1/discovery' });
  assert.equal(env['DB_URL'], 'postgres://postgres@127.0.0.1:7105/shop');
  assert.equal(env['DB_AUDIT_URL'], 'postgres://postgres@127.0.0.1:7105/audit');
  assert.equal(env['API_URL'], 'http://127.0.0.1:7101');
});
