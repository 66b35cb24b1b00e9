// The release store on a real temp dir: ids, outcomes and status, what is current, references,
// diffs, and reading consistently after a crash mid-write.
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fakeService } from '../../artifacts/test-fixture.ts';
import type { Service } from '../../stack/model.ts';
import { LOG_FILE, ReleaseError, ReleaseStore, diffServices } from './index.ts';
import type { NewRelease } from './index.ts';

const SHA_A = 'a'.repeat(40);
const SHA_B = 'b'.repeat(40);
const SHA_C = 'c'.repeat(38) + '01';
const SHA_C2 = 'c'.repeat(38) + '02';

function digest(tag: string): string {
  return tag.padEnd(64, '0');
}

function svc(name: string, overrides: Partial<Service> = {}): Service {
  return fakeService(name, `/repo/services/${name}`, overrides);
}

function deploy(sha: string, digests: Record<string, string>, configs: Record<string, Partial<Service>> = {}): NewRelease {
  const services = Object.fromEntries(Object.entries(digests).map(([name, d]) => [name, { digest: digest(d), config: svc(name, configs[name]) }]));
  return { sha, dirty: false, services, kind: 'deploy' };
}

async function openStore(t: { after: (fn: () => void) => void }): Promise<{ store: ReleaseStore; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'bricks-releases-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  let tick = Date.parse('2025-01-01T00:00:00Z');
  const store = await ReleaseStore.open(dir, { now: () => new Date((tick += 1000)) });
  return { store, dir };
}

function isCode(code: string) {
  return (err: unknown): boolean => err instanceof ReleaseError && err.code === code;
}

test('records get increasing ids, times and the previous current release', async (t) => {
  const { store } = await openStore(t);
  const first = await store.record(deploy(SHA_A, { api: 'a1' }));
  assert.equal(first, 1);
  assert.equal((await store.entry(1))?.status, 'recorded');
  await store.mark(1, { kind: 'started' });
  await store.mark(1, { kind: 'completed' });
  const second = await store.record({ ...deploy(SHA_B, { api: 'a2' }), dirty: true, dirtyHash: 'd1' });
  assert.equal(second, 2);
  const release = await store.get(2);
  assert.equal(release?.previous, 1);
  assert.equal(release?.dirty, true);
  assert.equal(release?.dirtyHash, 'd1');
  assert.equal(release?.createdAt, '2025-01-01T00:00:04.000Z');
  assert.equal(release?.services['api']?.config.name, 'api');
  assert.equal(await store.get(3), undefined);

  const list = await store.list();
  assert.deepEqual(
    list.map((e) => [e.release.id, e.status, e.outcomes.map((o) => o.kind)]),
    [
      [1, 'completed', ['started', 'completed']],
      [2, 'recorded', []],
    ],
  );
  await assert.rejects(store.mark(9, { kind: 'started' }), isCode('not-found'));
});

test('records are never overwritten, even by another store on the same dir', async (t) => {
  const { store, dir } = await openStore(t);
  const other = await ReleaseStore.open(dir);
  const ids = await Promise.all([
    store.record(deploy(SHA_A, { api: 'a1' })),
    other.record(deploy(SHA_B, { api: 'b1' })),
    store.record(deploy(SHA_A, { api: 'a2' })),
    other.record(deploy(SHA_B, { api: 'b2' })),
  ]);
  assert.deepEqual([...ids].sort(), [1, 2, 3, 4]);
  const digests = (await store.list()).map((e) => e.release.services['api']?.digest.slice(0, 2)).sort();
  assert.deepEqual(digests, ['a1', 'a2', 'b1', 'b2']);
  assert.deepEqual(readdirSync(dir).sort(), ['00000001.json', '00000002.json', '00000003.json', '00000004.json']);
});

test('current is the last completed release nothing has overridden', async (t) => {
  const { store } = await openStore(t);
  assert.equal(await store.current(), undefined);
  for (const [sha, d] of [[SHA_A, 'a1'], [SHA_B, 'b1']] as const) {
    const id = await store.record(deploy(sha, { api: d }));
    await store.mark(id, { kind: 'started' });
    await store.mark(id, { kind: 'completed' });
  }
  assert.equal((await store.current())?.release.id, 2);

  // A broken version: fails, is rolled back; the one before stays current.
  const broken = await store.record(deploy(SHA_C, { api: 'c1' }));
  await store.mark(broken, { kind: 'started' });
  await store.mark(broken, { kind: 'failed', reason: 'api never became ready' });
  await store.mark(broken, { kind: 'rolled-back', to: 2 });
  assert.equal((await store.current())?.release.id, 2);
  assert.deepEqual((await store.entry(broken))?.outcomes.map((o) => o.kind), ['started', 'failed', 'rolled-back']);

  // `bricks rollback` to #1 is a release of its own, and becomes current.
  const rollback = await store.record({ ...deploy(SHA_A, { api: 'a1' }), kind: 'rollback', rollbackOf: 1 });
  await store.mark(rollback, { kind: 'started' });
  await store.mark(rollback, { kind: 'completed' });
  await store.mark(2, { kind: 'rolled-back', to: rollback });
  const current = await store.current();
  assert.equal(current?.release.id, rollback);
  assert.equal(current?.release.previous, 2);
  assert.equal(current?.release.rollbackOf, 1);
});

test('references: SHA prefixes and -N', async (t) => {
  const { store } = await openStore(t);
  const complete = async (r: NewRelease): Promise<number> => {
    const id = await store.record(r);
    await store.mark(id, { kind: 'completed' });
    return id;
  };
  await complete(deploy(SHA_A, { api: 'a1' })); // 1
  await complete(deploy(SHA_B, { api: 'b1' })); // 2
  const never = await store.record(deploy(SHA_C, { api: 'c1' })); // 3, never ran
  await store.mark(never, { kind: 'failed', reason: 'build broke' });
  await complete(deploy(SHA_C2, { api: 'c2' })); // 4
  await complete(deploy(SHA_A, { api: 'a1' })); // 5: SHA_A again

  assert.equal((await store.resolve('-0')).release.id, 5);
  assert.equal((await store.resolve('-1')).release.id, 4);
  assert.equal((await store.resolve('-2')).release.id, 2, 'a release that never completed is skipped');
  assert.equal((await store.resolve('-3')).release.id, 1);
  await assert.rejects(store.resolve('-4'), isCode('not-found'));

  assert.equal((await store.resolve('bbbb')).release.id, 2);
  assert.equal((await store.resolve('AAAAAAA')).release.id, 5, 'the latest release of a commit');
  assert.equal((await store.resolve(SHA_C)).release.id, 3);
  await assert.rejects(store.resolve('cccc'), isCode('ambiguous'));
  await assert.rejects(store.resolve('dddd'), isCode('not-found'));
  await assert.rejects(store.resolve('abc'), isCode('bad-ref'));
  await assert.rejects(store.resolve('HEAD~1'), isCode('bad-ref'));

  assert.deepEqual((await store.bySha(SHA_A)).map((e) => e.release.id), [5, 1]);
  assert.deepEqual(await store.bySha(SHA_B.slice(0, 10)), []);
});

test('-N needs a current release', async (t) => {
  const { store } = await openStore(t);
  await store.record(deploy(SHA_A, { api: 'a1' }));
  await assert.rejects(store.resolve('-1'), isCode('bad-ref'));
});

test('diff names services and config key paths', async (t) => {
  const { store } = await openStore(t);
  const a = await store.record(
    deploy(SHA_A, { api: 'a1', web: 'w1', old: 'o1', jobs: 'j1' }, { web: { environment: { LOG: 'info', KEEP: '1' } } }),
  );
  const b = await store.record(
    deploy(
      SHA_B,
      { api: 'a2', web: 'w2', new: 'n1', jobs: 'j1' },
      { web: { environment: { LOG: 'debug', KEEP: '1', 'my.var': 'x' }, run: { kind: 'argv', argv: ['node', 'b.js'] } }, jobs: { replicas: 3 } },
    ),
  );
  const diff = await store.diff(a, b);
  assert.equal(diff.from, a);
  assert.equal(diff.to, b);
  assert.deepEqual(diff.services, [
    { name: 'api', change: 'digest', from: digest('a1'), to: digest('a2') },
    { name: 'jobs', change: 'config', from: digest('j1'), to: digest('j1'), configPaths: ['replicas'] },
    { name: 'new', change: 'added', to: digest('n1') },
    { name: 'old', change: 'removed', from: digest('o1') },
    { name: 'web', change: 'config', from: digest('w1'), to: digest('w2'), configPaths: ['environment.LOG', 'environment["my.var"]', 'run'] },
  ]);
  assert.deepEqual((await store.diff(b, b)).services, []);
  const rebuilt = (await store.get(b))!.services;
  assert.deepEqual(diffServices(rebuilt, { ...rebuilt }), [], 'a deploy of what is running changes nothing');
  await assert.rejects(store.diff(a, 99), isCode('not-found'));
});

test('malformed releases are refused', async (t) => {
  const { store } = await openStore(t);
  await assert.rejects(store.record(deploy('abc123', { api: 'a1' })), isCode('invalid'));
  await assert.rejects(store.record({ ...deploy(SHA_A, { api: 'a1' }), dirty: true }), isCode('invalid'));
  await assert.rejects(store.record({ ...deploy(SHA_A, { api: 'a1' }), kind: 'rollback' }), isCode('invalid'));
  await assert.rejects(store.record({ ...deploy(SHA_A, { api: 'a1' }), kind: 'rollback', rollbackOf: 7 }), isCode('invalid'));
  await assert.rejects(store.record({ ...deploy(SHA_A, { api: 'a1' }), previous: 3 }), isCode('invalid'));
  assert.deepEqual(await store.list(), []);
});

test('after a crash mid-write the store reads consistently and says what happened', async (t) => {
  const { store, dir } = await openStore(t);
  const one = await store.record(deploy(SHA_A, { api: 'a1' }));
  await store.mark(one, { kind: 'started' });
  await store.mark(one, { kind: 'completed' });
  const two = await store.record(deploy(SHA_B, { api: 'b1' }));
  await store.mark(two, { kind: 'started' });
  // The crash: release 3 was being written (temp file, half of it), and the log append of
  // "two completed" was cut in the middle of the line.
  writeFileSync(join(dir, '.tmp-00000003.json-4242-deadbeef'), '{"id":3,"sha":"cccc');
  appendFileSync(join(dir, LOG_FILE), '{"kind":"completed","id":2,"at":"2025-01-');

  // A fresh process reads without fixing anything first: the torn line and the temp file do not exist for it.
  const after = await ReleaseStore.open(dir);
  const list = await after.list();
  assert.deepEqual(
    list.map((e) => [e.release.id, e.status]),
    [
      [1, 'completed'],
      [2, 'started'],
    ],
  );
  assert.equal((await after.current())?.release.id, 1);

  const report = await after.recover();
  assert.deepEqual(report.removedTempFiles, ['.tmp-00000003.json-4242-deadbeef']);
  assert.equal(report.tornLogTail, '{"kind":"completed","id":2,"at":"2025-01-');
  assert.deepEqual(report.badLogLines, []);
  assert.deepEqual(report.unfinished.map((e) => e.release.id), [2]);
  assert.equal(report.notes.length, 3);
  assert.match(report.notes.join('\n'), /release #2 \(bbbbbbbbbbbb\) was rolling out/);

  // The daemon records what happened and carries on; ids continue after the last whole release.
  await after.mark(2, { kind: 'interrupted', reason: 'daemon restarted mid-rollout' });
  assert.equal(await after.record(deploy(SHA_C, { api: 'c1' })), 3);
  const log = readFileSync(join(dir, LOG_FILE), 'utf8');
  assert.ok(log.endsWith('\n'));
  assert.ok(log.split('\n').slice(0, -1).every((line) => JSON.parse(line) !== null), 'every line is a whole record');
  assert.equal((await after.entry(2))?.status, 'interrupted');
  assert.deepEqual(readdirSync(dir).filter((n) => n.startsWith('.')), []);
});

test('a writer that never ran recover still cuts a torn tail before appending', async (t) => {
  const { store, dir } = await openStore(t);
  const one = await store.record(deploy(SHA_A, { api: 'a1' }));
  await store.mark(one, { kind: 'started' });
  appendFileSync(join(dir, LOG_FILE), '{"kind":"comp');
  const next = await ReleaseStore.open(dir);
  await next.mark(one, { kind: 'completed' });
  assert.deepEqual((await next.entry(one))?.outcomes.map((o) => o.kind), ['started', 'completed']);
  assert.equal(readFileSync(join(dir, LOG_FILE), 'utf8').split('\n').length, 3);
});

test('a whole last record that only lost its newline is kept', async (t) => {
  const { store, dir } = await openStore(t);
  const one = await store.record(deploy(SHA_A, { api: 'a1' }));
  appendFileSync(join(dir, LOG_FILE), JSON.stringify({ kind: 'completed', id: one, at: '2025-01-01T00:00:09.000Z' }));
  const next = await ReleaseStore.open(dir);
  assert.equal((await next.current())?.release.id, one);
  const report = await next.recover();
  assert.equal(report.tornLogTail, null);
  await next.mark(one, { kind: 'rolled-back' });
  assert.deepEqual((await next.entry(one))?.outcomes.map((o) => o.kind), ['completed', 'rolled-back']);
});

test('damaged lines in the middle are skipped, a damaged release file is an error', async (t) => {
  const { store, dir } = await openStore(t);
  const one = await store.record(deploy(SHA_A, { api: 'a1' }));
  appendFileSync(join(dir, LOG_FILE), `not json\n${JSON.stringify({ kind: 'started', id: one, at: 'x' })}\n{"kind":"nope","id":1,"at":"x"}\n`);
  const next = await ReleaseStore.open(dir);
  assert.equal((await next.entry(one))?.status, 'started');
  assert.deepEqual((await next.recover()).badLogLines, [1, 3]);

  writeFileSync(join(dir, '00000002.json'), '{"id": 2, "sha": "zz"}');
  await assert.rejects(next.list(), isCode('corrupt'));
  writeFileSync(join(dir, '00000002.json'), '{"id": 2, "sha": ');
  await assert.rejects(next.get(2), isCode('corrupt'));
});
