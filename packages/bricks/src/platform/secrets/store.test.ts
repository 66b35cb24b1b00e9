// The secret store against its promises: values sealed (not in the file), a committed store
// opened with the shared key, a wrong key and a damaged file each a clear error that names no value.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { SECRETS_KEY_VARIABLE } from '@bricks/sdk/platform-env';
import { SecretError } from './errors.ts';
import { keyFileOf } from './store-key.ts';
import { SecretStore } from './store.ts';

const VALUE = Buffer.from('correct horse battery staple');

function place(t: { after: (fn: () => void) => void }): { dir: string; path: string; env: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), 'bricks-store-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return { dir, path: join(dir, 'bricks.secrets.json'), env: { XDG_CONFIG_HOME: join(dir, 'config') } };
}

async function refused(p: Promise<unknown> | (() => unknown), code: string): Promise<SecretError> {
  const e = await (typeof p === 'function' ? Promise.resolve().then(p) : p).then(() => undefined, (x: unknown) => x);
  assert.ok(e instanceof SecretError, `expected a SecretError, got ${String(e)}`);
  assert.equal(e.code, code, e.message);
  assert.ok(!e.message.includes(VALUE.toString()), 'the message holds the value');
  return e;
}

test('a value is sealed in the file, its key made 0600 in the config folder, and read back', async (t) => {
  const { path, env } = place(t);
  const store = await SecretStore.open(path, env);
  const { keyMadeAt } = await store.set('db_password', VALUE, env);
  assert.equal(keyMadeAt, keyFileOf(store.id, env));
  assert.equal(statSync(keyMadeAt).mode & 0o777, 0o600);
  assert.ok(!readFileSync(path, 'utf8').includes(VALUE.toString()));
  assert.ok(!readFileSync(path, 'utf8').includes(VALUE.toString('base64')));
  const again = await SecretStore.open(path, env);
  assert.deepEqual(again.get('db_password'), VALUE);
  assert.deepEqual(again.list().map((l) => l.name), ['db_password']);
  await again.remove('db_password');
  assert.deepEqual((await SecretStore.open(path, env)).list(), []);
});

test('a committed store opens elsewhere with the key shared out of band (a key file, or the key in the environment)', async (t) => {
  const { path, env } = place(t);
  const store = await SecretStore.open(path, env);
  await store.set('api_token', VALUE, env);
  const key = readFileSync(keyFileOf(store.id, env), 'utf8').trim();
  const colleague = { XDG_CONFIG_HOME: join(path, '..', 'elsewhere'), [SECRETS_KEY_VARIABLE]: key };
  assert.deepEqual((await SecretStore.open(path, colleague)).get('api_token'), VALUE);
  // Without any key: the names are there, a value is a clear error.
  const stranger = await SecretStore.open(path, { XDG_CONFIG_HOME: join(path, '..', 'nobody') });
  assert.deepEqual(stranger.list().map((l) => l.name), ['api_token']);
  await refused(() => stranger.get('api_token'), 'no-key');
});

test('a wrong key is refused before anything is decrypted', async (t) => {
  const { path, env } = place(t);
  await (await SecretStore.open(path, env)).set('a', VALUE, env);
  const e = await refused(SecretStore.open(path, { [SECRETS_KEY_VARIABLE]: Buffer.alloc(32, 7).toString('base64') }), 'wrong-key');
  assert.match(e.message, /does not open the secret store/);
});

test('a damaged store file or entry is an error naming the file; nothing of the value comes out', async (t) => {
  const { path, env } = place(t);
  const store = await SecretStore.open(path, env);
  await store.set('a', VALUE, env);
  await store.set('b', VALUE, env);
  const good = readFileSync(path, 'utf8');
  writeFileSync(path, good.slice(0, good.length / 2));
  assert.match((await refused(SecretStore.open(path, env), 'corrupt')).message, /bricks\.secrets\.json is not JSON/);
  // One byte of a's ciphertext flipped: GCM's tag refuses it.
  const doc = JSON.parse(good) as { secrets: Record<string, { data: string }> };
  const data = Buffer.from(doc.secrets['a']!.data, 'base64');
  data[0] = data[0]! ^ 1;
  doc.secrets['a']!.data = data.toString('base64');
  writeFileSync(path, JSON.stringify(doc));
  const damaged = await SecretStore.open(path, env);
  assert.match((await refused(() => damaged.get('a'), 'corrupt')).message, /"a" .* does not decrypt/);
  // A value moved under another name does not open either (the name is bound in).
  const moved = JSON.parse(good) as { secrets: Record<string, unknown> };
  moved.secrets['b'] = moved.secrets['a'];
  writeFileSync(path, JSON.stringify(moved));
  await refused(async () => (await SecretStore.open(path, env)).get('b'), 'corrupt');
});

test('a key file others can read is refused', async (t) => {
  const { path, env } = place(t);
  const store = await SecretStore.open(path, env);
  await store.set('a', VALUE, env);
  chmodSync(keyFileOf(store.id, env), 0o644);
  assert.match((await refused(SecretStore.open(path, env), 'bad-key-file')).message, /chmod 600/);
});
