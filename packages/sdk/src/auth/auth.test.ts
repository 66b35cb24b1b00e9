// Verified callers, end to end over real servers: a user-token issuer and a platform identity
// issuer made here (jose keys, discovery and JWKS on loopback), a server with rules per method,
// and the attack set, each refused with its gRPC code (and over HTTP 401/403 with a challenge).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { client, closeClients } from '../client/index.ts';
import { AUTH_VARIABLE, IDENTITY_DIR_VARIABLE, IDENTITY_ISSUER_VARIABLE, IDENTITY_JWKS_VARIABLE, IDENTITY_KEY_VARIABLE, SERVICE_VARIABLE, SERVICES_VARIABLE } from '../config/platform-env-names.js';
import { BricksError } from '../errors/index.ts';
import { implement, serve, type Server } from '../server/index.ts';
import { EchoService } from '../testing/gen/bricks/test/v1/test_pb.ts';
import { b64url, TestIssuer } from '../testing/oidc-issuer.ts';
import { IDENTITY_TOKEN_TYPE } from './headers.ts';
import { encodeAuth } from './policy.ts';

const ECHO = 'bricks.test.v1.EchoService';

/** Echo answers with who it saw; Count is for gateway only; Fail has no rule. */
const seeing = implement(EchoService, {
  echo(_req, ctx) {
    return { text: `${ctx.identity.user?.subject ?? '-'}|${ctx.identity.service?.name ?? '-'}|${ctx.identity.service?.via ?? '-'}` };
  },
  count(_req, ctx) {
    return { count: ctx.identity.service?.services.length ?? 0 };
  },
  fail() {
    return {};
  },
});

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (e) {
    assert.ok(e instanceof BricksError, String(e));
    return e.code;
  }
}

describe('verified callers', () => {
  let users: TestIssuer;
  let platform: TestIssuer;
  let server: Server;
  let dir: string;

  before(async () => {
    users = await TestIssuer.start('RS256');
    platform = await TestIssuer.start('ES256', '/v1/identity');
    dir = mkdtempSync(join(tmpdir(), 'bricks-auth-'));
    server = await serve({
      services: [seeing],
      host: '127.0.0.1',
      port: 0,
      handleSignals: false,
      drainDelayMs: 0,
      env: {
        [SERVICE_VARIABLE]: 'echo',
        [IDENTITY_ISSUER_VARIABLE]: platform.url,
        [AUTH_VARIABLE]: encodeAuth({
          issuer: users.url,
          audience: 'arcade',
          clockSkew: 5000,
          methods: { [`${ECHO}/Echo`]: { scopes: ['echo:write'] }, [`${ECHO}/Count`]: { callers: ['gateway'] } },
        }),
      },
    });
  });

  after(async () => {
    await closeClients();
    await server.shutdown();
    await users.close();
    await platform.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const serviceToken = (sub: string, opts: { audience?: string; key?: Awaited<ReturnType<TestIssuer['newKey']>>; services?: string[] } = {}): Promise<string> =>
    platform.sign({ subject: sub, audience: opts.audience ?? 'echo', typ: IDENTITY_TOKEN_TYPE, ...(opts.key ? { key: opts.key } : {}), claims: { bricks_services: opts.services ?? [sub] } });
  const userToken = (over: Parameters<TestIssuer['sign']>[0] = {}): Promise<string> => users.sign({ audience: 'arcade', claims: { scope: 'echo:write games:read' }, ...over });

  for (const protocol of ['connect', 'fast'] as const) {
    const echo = (headers: Record<string, string> = {}): Promise<unknown> => client(EchoService, { url: server.url, protocol, env: {}, inProcess: false }).echo({}, { headers });
    const bearer = (t: string): Record<string, string> => ({ authorization: `Bearer ${t}` });

    test(`${protocol}: a valid user token with the scope is let in, and the handler sees who called`, async () => {
      const r = (await echo(bearer(await userToken()))) as { text: string };
      assert.equal(r.text, 'ann|-|-');
    });

    test(`${protocol}: no token, or not a bearer one, is unauthenticated`, async () => {
      assert.equal(await code(echo()), 'unauthenticated');
      assert.equal(await code(echo({ authorization: 'Basic YW5uOnB3' })), 'unauthenticated');
    });

    test(`${protocol}: a valid token without the scope is permission_denied`, async () => {
      assert.equal(await code(echo(bearer(await userToken({ claims: { scope: 'games:read' } })))), 'permission_denied');
    });

    test(`${protocol}: the attack set is refused as unauthenticated`, async () => {
      const good = await userToken();
      const [h, p, s] = good.split('.') as [string, string, string];
      const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
      const pem = await exportSPKI(users.signer.publicJwk as never).catch(async () => JSON.stringify(users.signer.publicJwk));
      // Each refused for its own reason, not by accident of another check.
      const attacks: Record<string, [string, RegExp]> = {
        'alg none': [`${b64url({ alg: 'none', typ: 'JWT' })}.${p}.`, /algorithm/],
        'HS256 signed with the public key': [await new SignJWT(payload).setProtectedHeader({ alg: 'HS256', kid: users.signer.kid }).sign(new TextEncoder().encode(pem)), /algorithm/],
        expired: [await userToken({ expiresIn: -60 }), /expired/],
        'not yet valid': [await userToken({ notBefore: 120 }), /not valid yet/],
        'wrong iss': [await userToken({ issuer: 'https://evil.example' }), /another issuer/],
        'wrong aud (a token for another service replayed)': [await userToken({ audience: 'scores' }), /not meant for this service/],
        'unknown kid': [await userToken({ key: await users.newKey() }), /does not publish/],
        'tampered payload': [`${h}.${b64url({ ...payload, scope: 'echo:write admin' })}.${s}`, /signature does not verify/],
        'stripped signature': [`${h}.${p}.`, /signature does not verify|malformed/],
        'a platform identity token posing as a user token': [await platform.sign({ audience: 'arcade', typ: IDENTITY_TOKEN_TYPE, claims: { scope: 'echo:write' } }), /does not publish|another issuer/],
      };
      // The genuine token first, so its verification is cached: the tampered one must not ride on it.
      assert.equal(await code(echo(bearer(good))), 'ok');
      for (const [name, [token, reason]] of Object.entries(attacks)) {
        const e = await echo(bearer(token)).then(() => undefined, (x: unknown) => x);
        assert.ok(e instanceof BricksError, `${name}: let in`);
        assert.equal(e.code, 'unauthenticated', name);
        assert.match(e.rawMessage, reason, name);
        assert.ok(!e.message.includes(token.split('.')[2] || token.split('.')[1]!), `${name}: the message repeats the token`);
      }
    });

    test(`${protocol}: only the named callers get in, by a verified identity token; a forged one is refused`, async () => {
      const count = (headers: Record<string, string>): Promise<unknown> => client(EchoService, { url: server.url, protocol, env: {}, inProcess: false }).count({}, { headers });
      assert.equal(await code(count({ 'bricks-identity': await serviceToken('gateway') })), 'ok');
      assert.equal(await code(count({ 'bricks-identity': await serviceToken('scores') })), 'permission_denied');
      // From outside: a claimed name, a token signed with the attacker's own key, one for another service, a user token.
      assert.equal(await code(count({ 'x-bricks-service': 'gateway', 'x-bricks-caller': 'gateway' })), 'unauthenticated');
      assert.equal(await code(count({ 'bricks-identity': await serviceToken('gateway', { key: await platform.newKey() }) })), 'unauthenticated');
      assert.equal(await code(count({ 'bricks-identity': await serviceToken('gateway', { audience: 'scores' }) })), 'unauthenticated');
      assert.equal(await code(count({ 'bricks-identity': await users.sign({ subject: 'gateway', audience: 'echo' }) })), 'unauthenticated');
      assert.equal(await code(count({ 'bricks-identity': 'gateway' })), 'unauthenticated');
    });
  }

  test('an SDK client sends its service identity token by itself, read from the platform folder', async () => {
    writeFileSync(join(dir, 'echo.jwt'), await serviceToken('gateway'));
    const r = await client(EchoService, { url: server.url, env: { [IDENTITY_DIR_VARIABLE]: dir }, inProcess: false }).count({});
    assert.equal(r.count, 1);
  });

  test('keys rotated at the issuer while calls continue: none fails once the new key is published', async () => {
    const echo = client(EchoService, { url: server.url, protocol: 'connect', env: {}, inProcess: false });
    let failures = 0;
    let calls = 0;
    const deadline = Date.now() + 1500;
    const load = async (): Promise<void> => {
      while (Date.now() < deadline) {
        const token = await userToken();
        calls++;
        if ((await code(echo.echo({}, { headers: { authorization: `Bearer ${token}` } }))) !== 'ok') failures++;
      }
    };
    const rotations = (async () => {
      for (let i = 0; i < 3; i++) {
        await new Promise((r) => setTimeout(r, 300));
        await users.rotate();
      }
    })();
    await Promise.all([load(), load(), load(), rotations]);
    assert.equal(failures, 0, `${failures} of ${calls} calls failed`);
    assert.ok(users.jwksFetches >= 2, 'the new keys were fetched');
    // The old keys retired afterwards: tokens of the current one still pass.
    await users.rotate({ retire: true });
    assert.equal(await code(echo.echo({}, { headers: { authorization: `Bearer ${await userToken()}` } })), 'ok');
  });

  test('over HTTP: 401 with a WWW-Authenticate challenge, 403 when the scope is missing', async () => {
    const post = (headers: Record<string, string>): Promise<Response> =>
      fetch(`${server.url}/${ECHO}/Echo`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' });
    const none = await post({});
    assert.equal(none.status, 401);
    assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer realm="echo"/);
    const expired = await post({ authorization: `Bearer ${await userToken({ expiresIn: -60 })}` });
    assert.equal(expired.status, 401);
    assert.match(expired.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    const scope = await post({ authorization: `Bearer ${await userToken({ claims: { scope: 'games:read' } })}` });
    assert.equal(scope.status, 403);
    assert.equal((await post({ authorization: `Bearer ${await userToken()}` })).status, 200);
  });
});

test('a co-located call carries the process identity without a token', async (t) => {
  const env = {
    [SERVICE_VARIABLE]: 'edge',
    [SERVICES_VARIABLE]: 'gateway,echo',
    [AUTH_VARIABLE]: encodeAuth({ methods: { [`${ECHO}/Count`]: { callers: ['gateway'] }, [`${ECHO}/Fail`]: { callers: ['scores'] } } }),
  };
  const server = await serve({ services: [seeing], host: '127.0.0.1', port: 0, handleSignals: false, drainDelayMs: 0, env });
  t.after(() => server.shutdown());
  const local = client(EchoService, { env: {} });
  assert.equal((await local.echo({})).text, '-|edge|in-process');
  // Both lanes: the inline one (no options) and the general one (with options).
  assert.equal((await local.count({})).count, 2);
  assert.equal((await local.count({}, { timeoutMs: 1000 })).count, 2);
  assert.equal(await code(local.fail({})), 'permission_denied');
});

test('a rule that names a method the service does not have stops serve()', async () => {
  const env = { [SERVICE_VARIABLE]: 'echo', [AUTH_VARIABLE]: encodeAuth({ methods: { [`${ECHO}/Ecko`]: { callers: ['gateway'] } } }) };
  await assert.rejects(serve({ services: [seeing], host: '127.0.0.1', port: 0, handleSignals: false, drainDelayMs: 0, env }), /names bricks\.test\.v1\.EchoService\/Ecko, which bricks\.test\.v1\.EchoService does not have/);
});

test('on an engine each service signs its own tokens; its key cannot sign for another service', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bricks-engine-id-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const keyOf = async (service: string): Promise<{ priv: Record<string, unknown>; pub: Record<string, unknown> }> => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const kid = `${service}.${Math.random().toString(16).slice(2, 10)}`;
    return { priv: { ...(await exportJWK(privateKey)), kid, alg: 'ES256' }, pub: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
  };
  const gateway = await keyOf('gateway');
  const scores = await keyOf('scores');
  writeFileSync(join(dir, 'jwks.json'), JSON.stringify({ keys: [gateway.pub, scores.pub] }));
  writeFileSync(join(dir, 'gateway.jwk'), JSON.stringify(gateway.priv));
  // scores' own key, in a file that claims it is the gateway's service.
  writeFileSync(join(dir, 'scores.jwk'), JSON.stringify(scores.priv));
  const server = await serve({
    services: [seeing], host: '127.0.0.1', port: 0, handleSignals: false, drainDelayMs: 0,
    env: { [SERVICE_VARIABLE]: 'echo', [IDENTITY_ISSUER_VARIABLE]: 'bricks:shop', [IDENTITY_JWKS_VARIABLE]: join(dir, 'jwks.json'), [AUTH_VARIABLE]: encodeAuth({ methods: { [`${ECHO}/Count`]: { callers: ['gateway'] } } }) },
  });
  t.after(() => server.shutdown());
  const as = (service: string, file: string): ReturnType<typeof client<typeof EchoService>> =>
    client(EchoService, { url: server.url, inProcess: false, env: { [SERVICE_VARIABLE]: service, [IDENTITY_ISSUER_VARIABLE]: 'bricks:shop', [IDENTITY_KEY_VARIABLE]: join(dir, file), ECHO_URL: server.url } });
  const gw = as('gateway', 'gateway.jwk');
  // The first token is signed ahead, within moments of the client's start.
  await until(async () => (await code(gw.count({}))) === 'ok');
  const sc = as('scores', 'scores.jwk');
  await until(async () => (await code(sc.count({}))) !== 'unauthenticated');
  assert.equal(await code(sc.count({})), 'permission_denied');
  const forger = as('gateway', 'scores.jwk');
  await until(async () => (await forger.count({}).then(() => '', (x: unknown) => (x as BricksError).rawMessage)).includes('whose key'));
  const e = await forger.count({}).then(() => undefined, (x: unknown) => x);
  assert.ok(e instanceof BricksError && e.code === 'unauthenticated' && /names another service than the one whose key signed it/.test(e.rawMessage), String(e));
});

async function until(probe: () => Promise<boolean>, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}
