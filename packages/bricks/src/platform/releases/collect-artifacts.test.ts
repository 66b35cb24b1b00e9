import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fakeService } from '../../artifacts/test-fixture.ts';
import { ReleaseStore, collectArtifacts } from './index.ts';

const SHA = 'f'.repeat(40);

function digest(n: number, service: string): string {
  return `${service}${n}`.padEnd(64, '0').replace(/[^0-9a-f]/g, 'e');
}

test('keeps the last N releases, the current one and unfinished ones; deletes only unreferenced digests', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'bricks-gc-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const artifacts = join(root, 'artifacts');
  const store = await ReleaseStore.open(join(root, 'releases'));
  const make = (d: string): void => {
    mkdirSync(join(artifacts, d), { recursive: true });
    writeFileSync(join(artifacts, d, 'manifest.json'), '{}');
  };
  // `db` never changes: every release references the same artifact.
  const shared = digest(0, 'db');
  make(shared);
  for (let n = 1; n <= 6; n++) {
    make(digest(n, 'a'));
    const id = await store.record({
      sha: SHA,
      dirty: false,
      kind: 'deploy',
      services: {
        api: { digest: digest(n, 'a'), config: fakeService('api', '/r') },
        db: { digest: shared, config: fakeService('db', '/r') },
      },
    });
    // #1 is the last one that completed: later ones failed, #6 is still rolling out.
    if (id === 1) await store.mark(id, { kind: 'completed' });
    else if (id < 6) await store.mark(id, { kind: 'failed', reason: 'test' });
  }
  make(digest(7, 'a')); // built for the next release, not recorded yet
  make(digest(8, 'a')); // built long ago, never released
  mkdirSync(join(artifacts, '.cache'));
  mkdirSync(join(artifacts, '.tmp-abc-1-2'));

  const result = await collectArtifacts(store, artifacts, { keep: 2, protect: [digest(7, 'a')] });
  assert.deepEqual([...result.deleted].sort(), [digest(2, 'a'), digest(3, 'a'), digest(4, 'a'), digest(8, 'a')].sort());
  assert.deepEqual([...result.kept].sort(), [digest(1, 'a'), digest(5, 'a'), digest(6, 'a'), digest(7, 'a'), shared].sort());
  assert.deepEqual(readdirSync(artifacts).sort(), [...result.kept, '.cache', '.tmp-abc-1-2'].sort());
  assert.ok(existsSync(join(artifacts, shared, 'manifest.json')));

  // The default keeps 10; without protection the unrecorded artifact goes.
  assert.deepEqual((await collectArtifacts(store, artifacts)).deleted, [digest(7, 'a')]);
  assert.deepEqual(await collectArtifacts(store, join(root, 'missing')), { kept: [], deleted: [] });
});
