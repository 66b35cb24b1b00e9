// What the engines get for secrets and identity: the store's external secrets as values, a key
// of its own for each service (kept, so a redeploy changes nothing), the public keys for all.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { IDENTITY_ISSUER_VARIABLE, IDENTITY_KEY_VARIABLE } from '@bricks/sdk/platform-env';
import { SecretStore } from '../platform/secrets/store.ts';
import { STORE_FILE } from '../platform/secrets/vault.ts';
import { forEngine, IDENTITY_KEY_PATH } from './engine-identity.ts';
import { renderSwarmStack } from './swarm/render.ts';
import { makeStack } from './testing/stack-fixture.ts';

test('the store serves the engines: external secrets as values, one identity key per service, kept across deploys', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bricks-engine-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const env = { XDG_CONFIG_HOME: join(dir, 'config') };
  await (await SecretStore.open(join(dir, STORE_FILE), env)).set('shop_db', Buffer.from('db-secret-1'), env);
  const stack = makeStack('shop', { api: { secrets: ['db'] }, web: {} }, { secrets: { db: { external: true, name: 'shop_db' }, pre: { external: true } } }, dir);
  const first = await forEngine(stack, env);
  assert.deepEqual(first.secrets['db'], { kind: 'content', content: 'db-secret-1' });
  assert.deepEqual(first.secrets['pre'], { kind: 'external', name: 'pre' }, 'one the store lacks stays external');
  const api = first.services['api']!;
  assert.ok(api.secrets.some((m) => m.source === 'bricks_identity_api' && m.target === IDENTITY_KEY_PATH && m.mode === 0o400));
  assert.ok(!api.secrets.some((m) => m.source === 'bricks_identity_web'), "a service never gets another's key");
  assert.equal(api.environment[IDENTITY_ISSUER_VARIABLE], 'bricks:shop');
  assert.equal(api.environment[IDENTITY_KEY_VARIABLE], IDENTITY_KEY_PATH);
  const jwks = JSON.parse((first.configs['bricks_identity_jwks'] as { content: string }).content) as { keys: { kid: string; d?: string }[] };
  assert.deepEqual(jwks.keys.map((k) => k.kid.split('.')[0]), ['api', 'web']);
  assert.ok(jwks.keys.every((k) => k.d === undefined), 'the public keys only');
  // A second deploy: the same keys, so Swarm's content-hashed names do not move.
  const again = await forEngine(stack, env);
  const names = (s: typeof first): unknown => renderSwarmStack(s, { api: 'api:1', web: 'web:1' }, { materialize: () => '/dev/null' }).secrets;
  assert.deepEqual(names(again), names(first));
});
