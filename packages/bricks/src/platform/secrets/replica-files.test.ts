// A replica's secret files and identity tokens: written before it starts (0400 in a 0700 folder),
// all or nothing; replaced in place whole; tokens renewed at half their life (a fake clock); gone
// with the replica. And the vault: a new value moves only the versions of the services that use it.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { IDENTITY_TOKEN_TYPE } from '@bricks/sdk/auth';
import { makeStack } from '../../targets/testing/stack-fixture.ts';
import { SecretError } from './errors.ts';
import { IdentityIssuer, renewalDue } from './identity-issuer.ts';
import { localTarget, ReplicaFiles } from './replica-files.ts';
import { Vault } from './vault.ts';

function place(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'bricks-files-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function stackIn(dir: string, rotation?: 'in-place') {
  writeFileSync(join(dir, 'pw.txt'), 'pw-1');
  return makeStack(
    'shop',
    {
      api: { secrets: ['pw', { source: 'tls', target: '/etc/tls/key.pem' }], ...(rotation ? { 'x-bricks': { secret_rotation: rotation } } : {}) },
      web: { secrets: ['tls'] },
      plain: {},
    },
    { secrets: { pw: { file: './pw.txt' }, tls: { environment: 'SHOP_TLS_KEY' } } },
    dir,
  );
}

test('renewal is due at half a token’s life, not before', () => {
  assert.equal(renewalDue(1_000, 600_000, 300_999), false);
  assert.equal(renewalDue(1_000, 600_000, 301_000), true);
});

test("a replica's files: its secrets at their targets (0400, in its own 0700 folder), a token per service, gone with it", async (t) => {
  const dir = place(t);
  const stack = stackIn(dir);
  const vault = new Vault({ SHOP_TLS_KEY: 'tls-1' });
  await vault.refresh(stack);
  const issuer = await IdentityIssuer.create('http://127.0.0.1:1/v1/identity', 'http://127.0.0.1:1/v1/identity/jwks');
  const files = await ReplicaFiles.open(join(dir, 'run'), { vault, issuer, audiences: () => Object.keys(stack.services) });
  const f = await files.prepare('api#1', stack.services['api']!, ['api']);
  assert.equal(statSync(f.secretsDir).mode & 0o777, 0o700);
  assert.equal(readFileSync(join(f.secretsDir, 'pw'), 'utf8'), 'pw-1');
  assert.equal(readFileSync(join(f.secretsDir, 'etc/tls/key.pem'), 'utf8'), 'tls-1');
  assert.equal(statSync(join(f.secretsDir, 'pw')).mode & 0o777, 0o400);
  assert.deepEqual(readdirSync(f.identityDir).sort(), ['api.jwt', 'plain.jwt', 'web.jwt']);
  const token = readFileSync(join(f.identityDir, 'web.jwt'), 'utf8');
  assert.equal(decodeProtectedHeader(token).typ, IDENTITY_TOKEN_TYPE);
  assert.deepEqual([decodeJwt(token).sub, decodeJwt(token).aud, decodeJwt(token).iss], ['api', 'web', 'http://127.0.0.1:1/v1/identity']);
  // Another replica has another folder; plain lists no secret and gets none.
  const p = await files.prepare('plain#1', stack.services['plain']!, ['plain']);
  assert.notEqual(p.secretsDir, f.secretsDir);
  assert.deepEqual(readdirSync(p.secretsDir), []);
  await files.release('api#1');
  assert.throws(() => statSync(f.secretsDir));
  await files.close();
  assert.throws(() => statSync(join(dir, 'run')));
});

test('a value that cannot be had starts nothing and leaves nothing', async (t) => {
  const dir = place(t);
  const stack = stackIn(dir);
  const vault = new Vault({});
  await assert.rejects(vault.refresh(stack), (e: unknown) => e instanceof SecretError && /SHOP_TLS_KEY is not set/.test(e.message));
  const files = await ReplicaFiles.open(join(dir, 'run'), { vault, audiences: () => [] });
  await assert.rejects(files.prepare('api#1', stack.services['api']!, ['api']), (e: unknown) => e instanceof SecretError && e.code === 'not-found');
  assert.deepEqual(readdirSync(join(dir, 'run')), []);
});

test('in place: the files of the changed secret are swapped in every replica of the unit; tokens renew at half life', async (t) => {
  const dir = place(t);
  const stack = stackIn(dir, 'in-place');
  const env = { SHOP_TLS_KEY: 'tls-1' };
  const vault = new Vault(env);
  await vault.refresh(stack);
  let now = 1_000_000;
  const issuer = await IdentityIssuer.create('http://127.0.0.1:1/v1/identity', 'http://127.0.0.1:1/v1/identity/jwks', 60_000);
  const files = await ReplicaFiles.open(join(dir, 'run'), { vault, issuer, audiences: () => ['api'], now: () => now });
  const a = await files.prepare('api#1', stack.services['api']!, ['api']);
  const b = await files.prepare('api#2', stack.services['api']!, ['api']);
  writeFileSync(join(dir, 'pw.txt'), 'pw-2');
  assert.deepEqual(await vault.refresh(stack), ['pw']);
  assert.equal(await files.rewrite('api', ['pw']), 2);
  for (const f of [a, b]) {
    assert.equal(readFileSync(join(f.secretsDir, 'pw'), 'utf8'), 'pw-2');
    assert.equal(statSync(join(f.secretsDir, 'pw')).mode & 0o777, 0o400);
    assert.deepEqual(readdirSync(f.secretsDir).sort(), ['etc', 'pw'], 'no temporary file is left');
  }
  const first = readFileSync(join(a.identityDir, 'api.jwt'), 'utf8');
  now += 29_000;
  await files.renew();
  assert.equal(readFileSync(join(a.identityDir, 'api.jwt'), 'utf8'), first, 'renewed before half life');
  now += 1_000;
  await files.renew();
  const renewed = readFileSync(join(a.identityDir, 'api.jwt'), 'utf8');
  assert.notEqual(renewed, first);
  assert.equal(decodeJwt(renewed).iat, Math.floor(now / 1000));
});

test("a new value moves the version of just the services that use it, unless they reread it in place", async (t) => {
  const dir = place(t);
  const stack = stackIn(dir);
  const vault = new Vault({ SHOP_TLS_KEY: 'tls-1' });
  await vault.refresh(stack);
  const before = Object.fromEntries(Object.entries(stack.services).map(([n, s]) => [n, vault.versionOf(s)]));
  assert.equal(before['plain'], '');
  writeFileSync(join(dir, 'pw.txt'), 'pw-2');
  assert.deepEqual(await vault.refresh(stack), ['pw']);
  assert.notEqual(vault.versionOf(stack.services['api']!), before['api']);
  assert.equal(vault.versionOf(stack.services['web']!), before['web']);
  assert.ok(!vault.versionOf(stack.services['api']!).includes('pw-2'));
  const inPlace = stackIn(dir, 'in-place');
  assert.equal(vault.versionOf(inPlace.services['api']!), '');
});

test('a target cannot leave the replica’s folder', () => {
  assert.equal(localTarget('/run/secrets/db'), 'db');
  assert.equal(localTarget('/etc/tls/key.pem'), 'etc/tls/key.pem');
  assert.equal(localTarget('/run/secrets/../../etc/passwd'), 'etc/passwd');
  assert.throws(() => localTarget('/run/secrets'), SecretError);
});
