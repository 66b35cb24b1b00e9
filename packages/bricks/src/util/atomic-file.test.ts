// writeFileAtomic, durable or not: the whole new content under the name, its mode, no temp
// file left behind, and a failed rename leaves the old content and no temp file.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { writeFileAtomic } from './atomic-file.ts';

describe('writeFileAtomic', () => {
  for (const durable of [true, false]) {
    it(`${durable ? 'durable' : 'not durable'}: replaces the content whole, with its mode, and leaves no temp file`, async (t) => {
      const dir = mkdtempSync(join(tmpdir(), 'bricks-atomic-'));
      t.after(() => rmSync(dir, { recursive: true, force: true }));
      const file = join(dir, 'sub', 'state.json');
      await writeFileAtomic(file, 'one\n', 0o600, { durable });
      await writeFileAtomic(file, 'two\n', 0o600, { durable });
      assert.equal(readFileSync(file, 'utf8'), 'two\n');
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.deepEqual(readdirSync(join(dir, 'sub')), ['state.json']);
    });
  }

  it('a rename that fails leaves the old file as it was and no temp file', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'bricks-atomic-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    // A directory in the way: the rename onto it fails.
    const target = join(dir, 'taken');
    mkdirSync(target);
    writeFileSync(join(target, 'inside'), 'kept');
    await assert.rejects(writeFileAtomic(target, 'new', 0o644, { durable: false }));
    assert.deepEqual(readdirSync(dir), ['taken']);
    assert.equal(readFileSync(join(target, 'inside'), 'utf8'), 'kept');
  });
});
