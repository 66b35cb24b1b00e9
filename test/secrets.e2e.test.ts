// Secrets on the local target, through the real CLI and daemon: files (0400, in a folder of the
// replica's own) from `file`, `environment` and `external` sources; each value looked for, and not
// found, in every place it must not be; rotation under load with no failed request, by a rolling
// restart and in place; a wrong key and a damaged store start nothing.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { SECRETS_DIR_VARIABLE, SECRETS_KEY_VARIABLE } from '@bricks/sdk/platform-env';
import { alive, get, project, steadyLoad, until, type Project } from './helpers/bricks.ts';

const READER = new URL('./fixtures/secret-reader.mjs', import.meta.url).pathname;
const VALUES = { db: 'db-pass-7f3a1c', api: 'api-key-90b2e4', signing: 'signing-1-55d0aa' };

function stack(extra = ''): string {
  const service = (name: string, replicas: number, rotation: string): string[] => [
    `  ${name}:`,
    '    x-bricks:',
    `      run: ["${process.execPath}", "${READER}"]`,
    '      health: { ready: /readyz, live: /healthz }',
    ...(rotation === '' ? [] : [`      secret_rotation: ${rotation}`]),
    `    deploy: { replicas: ${replicas}, update_config: { parallelism: 1, order: start-first } }`,
    '    environment: { SECRET_NAMES: "db_password,api_key,signing" }',
    '    secrets: [db_password, api_key, signing]',
  ];
  return [
    'services:',
    ...service('reader', 2, ''),
    ...service('live', 2, 'in-place'),
    '  plain:',
    '    x-bricks:',
    `      run: ["${process.execPath}", "${READER}"]`,
    '      health: { ready: /readyz, live: /healthz }',
    'secrets:',
    '  db_password: { file: ./db.txt }',
    '  api_key: { environment: ARCADE_TEST_API_KEY }',
    '  signing: { external: true, name: arcade_signing }',
    extra,
  ].join('\n');
}

function setUp(t: Parameters<typeof project>[0]): Project {
  const p = project(t, stack());
  p.write('db.txt', VALUES.db);
  p.write('signing.txt', VALUES.signing);
  p.env = { XDG_CONFIG_HOME: join(p.dir, 'user-config'), ARCADE_TEST_API_KEY: VALUES.api };
  return p;
}

function environOf(pid: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0')) {
    const i = kv.indexOf('=');
    if (i > 0) out[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return out;
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) out.push(join(e.parentPath, e.name));
  return out;
}

function assertNoValue(where: string, text: string, values: readonly string[] = Object.values(VALUES)): void {
  for (const v of values) assert.ok(!text.includes(v), `${where} holds a secret's value`);
}

async function apiGet(p: Project, path: string): Promise<string> {
  const info = JSON.parse(readFileSync(join(p.dir, '.bricks', 'daemon.json'), 'utf8')) as { apiUrl: string };
  const token = readFileSync(join(p.dir, '.bricks', 'token'), 'utf8').trim();
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 1500).unref();
  const res = await fetch(`${info.apiUrl}${path}`, { headers: { authorization: `Bearer ${token}` }, signal: ac.signal });
  let text = '';
  try {
    text = await res.text();
  } catch {
    // a stream, cut off: what came is what we look at
  }
  return text;
}

test('secrets are files of the replicas that list them, and nowhere else', async (t) => {
  const p = setUp(t);
  const set = await p.bricks('secret', 'set', 'arcade_signing', '--from-file', 'signing.txt');
  assert.equal(set.code, 0, set.stderr);
  assert.match(set.stdout, /made the store's key: .*user-config\/bricks\/secret-keys\/.*\.key/);
  const up = await p.bricks('up', '-d', '--wait', '60');
  assert.equal(up.code, 0, up.stderr + up.stdout);

  const ps = await p.ps();
  const replicas = ps.services.flatMap((s) => s.replicas.map((r) => ({ service: s.name, ...r })));
  assert.equal(replicas.length, 5);
  for (const r of replicas) {
    const env = environOf(r.pid!);
    assertNoValue(`/proc/${r.pid}/environ of ${r.name}`, Object.entries(env).map(([k, v]) => `${k}=${v}`).join('\n'));
    assert.equal(env['ARCADE_TEST_API_KEY'], undefined, 'the variable an environment secret comes from reached a replica');
    const dir = env[SECRETS_DIR_VARIABLE];
    assert.ok(dir !== undefined && dir.startsWith('/dev/shm/'), `secrets folder ${dir} is on tmpfs`);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    if (r.service === 'plain') {
      assert.deepEqual(readdirSync(dir), []);
      assert.equal((await get(`http://127.0.0.1:${r.port}/now/db_password`)).status, 404);
      continue;
    }
    for (const [name, value] of [['db_password', VALUES.db], ['api_key', VALUES.api], ['signing', VALUES.signing]] as const) {
      assert.equal(statSync(join(dir, name)).mode & 0o777, 0o400, `${name} mode`);
      assert.equal(await valueAt(r.port!, 'now', name), value);
    }
    // Another replica's folder is another folder.
    assert.ok(!replicas.some((o) => o.pid !== r.pid && environOf(o.pid!)[SECRETS_DIR_VARIABLE] === dir));
  }

  // Everything bricks shows or keeps.
  assertNoValue('bricks ps', JSON.stringify(ps) + (await p.bricks('ps')).stdout);
  assertNoValue('bricks config', (await p.bricks('config')).stdout + (await p.bricks('config', '--json')).stdout);
  assertNoValue('bricks logs', (await p.bricks('logs', '-n', '1000')).stdout);
  assertNoValue('bricks secret ls', (await p.bricks('secret', 'ls')).stdout + (await p.bricks('secret', 'ls', '--json')).stdout);
  for (const path of ['/v1/status', '/v1/config', '/v1/logs?tail=-1', '/v1/events?history=1', '/v1/discovery', '/v1/identity/jwks']) assertNoValue(`GET ${path}`, await apiGet(p, path));
  for (const f of filesUnder(join(p.dir, '.bricks'))) assertNoValue(f, readFileSync(f, 'latin1'));
  assertNoValue('the store file', readFileSync(join(p.dir, 'bricks.secrets.json'), 'latin1'));

  // Down: the folders go with the replicas.
  const dirs = replicas.map((r) => environOf(r.pid!)[SECRETS_DIR_VARIABLE]!);
  assert.equal((await p.bricks('down')).code, 0);
  for (const d of dirs) assert.throws(() => statSync(d), 'a secrets folder outlived its replica');
});

test('rotation under load: a rolling restart of just the users, or the file in place; no request fails', async (t) => {
  const p = setUp(t);
  assert.equal((await p.bricks('secret', 'set', 'arcade_signing', '--from-file', 'signing.txt')).code, 0);
  const up = await p.bricks('up', '-d', '--wait', '60');
  assert.equal(up.code, 0, up.stderr + up.stdout);
  const before = await p.ps();
  const address = (name: string): string => before.services.find((s) => s.name === name)!.address;
  const pidsOf = (doc: typeof before, name: string): number[] => doc.services.find((s) => s.name === name)!.replicas.map((r) => r.pid!).sort();

  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((r) => (stop = r));
  const loads = [steadyLoad(`${address('reader')}/start/signing`, 4, stopped), steadyLoad(`${address('live')}/now/signing`, 4, stopped)];
  await new Promise((r) => setTimeout(r, 500));

  const next = 'signing-2-c0ffee';
  p.write('signing.txt', next);
  const started = Date.now();
  const running = p.bricks('secret', 'set', 'arcade_signing', '--from-file', 'signing.txt');
  // From the command to the moment every replica that takes traffic has the new value.
  const seenAfterMs = await until('every routed replica of both services has the new value', async () => {
    const doc = JSON.parse(await apiGet(p, '/v1/discovery')) as { services: Record<string, { endpoints: { url: string }[] }> };
    for (const s of ['reader', 'live']) {
      for (const e of doc.services[s]!.endpoints) {
        const port = Number(new URL(e.url).port);
        if ((await valueAt(port, s === 'live' ? 'now' : 'start', 'signing')) !== next) return false;
      }
    }
    return Date.now() - started;
  }, 10_000);
  const set = await running;
  assert.equal(set.code, 0, set.stderr + set.stdout);
  assert.match(set.stdout, /updated in place: live/);
  assert.match(set.stdout, /restarted: reader/);
  // Every replica sees the new value.
  const after = await p.ps();
  for (const s of ['reader', 'live']) {
    for (const r of after.services.find((x) => x.name === s)!.replicas) {
      assert.equal(await valueAt(r.port!, s === 'live' ? 'now' : 'start', 'signing'), next, `${r.name} sees the new value`);
    }
  }
  const tookMs = Date.now() - started;
  stop();
  const [reader, live] = await Promise.all(loads);
  assert.equal(reader!.failed, 0, `reader: ${reader!.errors.slice(0, 3).join('; ')}`);
  assert.equal(live!.failed, 0, `live: ${live!.errors.slice(0, 3).join('; ')}`);
  assert.ok(reader!.ok > 0 && live!.ok > 0);
  // In place: the same processes; restarted: new ones; and the service that does not use it is untouched.
  assert.deepEqual(pidsOf(after, 'live'), pidsOf(before, 'live'));
  assert.notDeepEqual(pidsOf(after, 'reader'), pidsOf(before, 'reader'));
  assert.deepEqual(pidsOf(after, 'plain'), pidsOf(before, 'plain'));
  t.diagnostic(`every routed replica had the new value ${seenAfterMs} ms after bricks secret set started; the command returned after ${tookMs} ms (the rollout's 1 s monitor window included)`);
  assert.ok(seenAfterMs < 2000, `the new value took ${seenAfterMs} ms to reach every replica`);
});

test('in place: every replica reads the new value within 2 s of bricks secret set', async (t) => {
  const p = setUp(t);
  assert.equal((await p.bricks('secret', 'set', 'arcade_signing', '--from-file', 'signing.txt')).code, 0);
  assert.equal((await p.bricks('up', '-d', '--wait', '60')).code, 0);
  const live = (await p.ps()).services.find((s) => s.name === 'live')!.replicas;
  p.write('signing.txt', 'signing-3-beef');
  const started = Date.now();
  const set = p.bricks('secret', 'set', 'arcade_signing', '--from-file', 'signing.txt');
  await until('every live replica reads the new value', async () => {
    for (const r of live) if ((await valueAt(r.port!, 'now', 'signing')) !== 'signing-3-beef') return false;
    return true;
  }, 2000);
  t.diagnostic(`${Date.now() - started} ms from the command (a CLI start included) to every replica`);
  assert.equal((await set).code, 0);
});

test('a wrong key or a damaged store file: a clear error, and nothing starts', async (t) => {
  const p = setUp(t);
  assert.equal((await p.bricks('secret', 'set', 'arcade_signing', '--from-file', 'signing.txt')).code, 0);
  const wrong = await p.bricks('up', '-d', '--wait', '30').then(async (first) => {
    assert.equal(first.code, 0, first.stderr);
    await p.bricks('down');
    p.env = { ...p.env, [SECRETS_KEY_VARIABLE]: Buffer.alloc(32, 1).toString('base64') };
    return p.bricks('up', '-d', '--wait', '30');
  });
  assert.notEqual(wrong.code, 0);
  assert.match(wrong.stderr + wrong.stdout, /does not open the secret store .*bricks\.secrets\.json/);
  assert.deepEqual(p.groups().filter((g) => g > 0 && alive(g)), []);
  assertNoValue('the error', wrong.stderr + wrong.stdout);

  p.env = Object.fromEntries(Object.entries(p.env).filter(([k]) => k !== SECRETS_KEY_VARIABLE));
  const store = readFileSync(join(p.dir, 'bricks.secrets.json'), 'utf8');
  writeFileSync(join(p.dir, 'bricks.secrets.json'), store.replace(/"data": "(.)/, (_m, c: string) => `"data": "${c === 'A' ? 'B' : 'A'}`));
  const damaged = await p.bricks('up', '-d', '--wait', '30');
  assert.notEqual(damaged.code, 0);
  assert.match(damaged.stderr + damaged.stdout, /"arcade_signing" in .*bricks\.secrets\.json does not decrypt/);
  assert.deepEqual(p.groups().filter((g) => g > 0 && alive(g)), []);
});

async function valueAt(port: number, kind: 'now' | 'start', name: string): Promise<string | undefined> {
  const r = await get(`http://127.0.0.1:${port}/${kind}/${name}`);
  return r.status === 200 ? (JSON.parse(r.body) as { value: string }).value : undefined;
}
