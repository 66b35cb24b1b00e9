// The default data dir is found from wherever a replica runs: the stack dir or an artifact below it.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { defaultDataDir, stackDir } from './data-dir.ts';

test('from the stack dir, from a built artifact below it, and with no stack file at all', (t) => {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'arcade-data-dir-')));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const stack = join(root, 'arcade');
  const artifact = join(stack, '.bricks', 'artifacts', 'abc123');
  mkdirSync(artifact, { recursive: true });
  writeFileSync(join(stack, 'bricks.yaml'), 'services: {}\n');

  assert.equal(stackDir(stack), stack);
  assert.equal(stackDir(artifact), stack);
  assert.equal(defaultDataDir('catalog', artifact), join(stack, '.bricks', 'data', 'catalog'));
  const elsewhere = join(root, 'container');
  mkdirSync(elsewhere);
  assert.equal(defaultDataDir('scores', elsewhere), join(elsewhere, '.bricks', 'data', 'scores'));
});
