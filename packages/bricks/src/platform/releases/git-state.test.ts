import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ReleaseError, gitHead, gitIgnores, gitState } from './index.ts';

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: dir, encoding: 'utf8' }).trim();
}

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'bricks-git-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('a clean tree is its SHA; changes and untracked files make it dirty with a content hash', async (t) => {
  const dir = tempDir(t);
  git(dir, 'init', '-q');
  writeFileSync(join(dir, 'a.txt'), 'one\n');
  writeFileSync(join(dir, '.gitignore'), '.bricks/\n');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'first');
  const sha = git(dir, 'rev-parse', 'HEAD');

  mkdirSync(join(dir, 'sub'));
  assert.deepEqual(await gitState(join(dir, 'sub')), { sha, dirty: false }, 'from a subdirectory too');
  writeFileSync(join(dir, '.bricks-ignored-check'), '');
  rmSync(join(dir, '.bricks-ignored-check'));
  mkdirSync(join(dir, '.bricks'));
  writeFileSync(join(dir, '.bricks', 'state.json'), '{}');
  assert.equal((await gitState(dir)).dirty, false, 'ignored files do not make the tree dirty');

  writeFileSync(join(dir, 'a.txt'), 'two\n');
  const edited = await gitState(dir);
  assert.equal(edited.sha, sha);
  assert.equal(edited.dirty, true);
  assert.match(edited.dirtyHash ?? '', /^[0-9a-f]{64}$/);
  assert.deepEqual(await gitState(dir), edited, 'the same changes hash the same');

  writeFileSync(join(dir, 'a.txt'), 'three\n');
  const other = await gitState(dir);
  assert.notEqual(other.dirtyHash, edited.dirtyHash);

  git(dir, 'add', 'a.txt');
  assert.deepEqual(await gitState(dir), other, 'staging does not change what the tree holds');

  writeFileSync(join(dir, 'new.txt'), 'x');
  const untracked = await gitState(dir);
  assert.notEqual(untracked.dirtyHash, other.dirtyHash);
  writeFileSync(join(dir, 'new.txt'), 'y');
  assert.notEqual((await gitState(dir)).dirtyHash, untracked.dirtyHash, 'untracked files count by content');
});

test('outside git, and before the first commit, are errors of their own', async (t) => {
  const dir = tempDir(t);
  for (const check of [gitState, gitHead]) await assert.rejects(check(dir), (err: unknown) => err instanceof ReleaseError && err.code === 'not-git');
  git(dir, 'init', '-q');
  for (const check of [gitState, gitHead]) await assert.rejects(check(dir), (err: unknown) => err instanceof ReleaseError && err.code === 'no-commit');
});

test('gitHead: the work tree and HEAD, whatever is uncommitted', async (t) => {
  const dir = tempDir(t);
  git(dir, 'init', '-q');
  writeFileSync(join(dir, 'a.txt'), 'one\n');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'first');
  writeFileSync(join(dir, 'a.txt'), 'two\n');
  mkdirSync(join(dir, 'sub'));
  assert.deepEqual(await gitHead(join(dir, 'sub')), { root: git(dir, 'rev-parse', '--show-toplevel'), sha: git(dir, 'rev-parse', 'HEAD') });
});

test("bricks' own .bricks/ folders never make the tree dirty, ignored or not, tracked or not", async (t) => {
  const dir = tempDir(t);
  git(dir, 'init', '-q');
  writeFileSync(join(dir, 'a.txt'), 'one\n');
  // Committed before any .gitignore existed, as a new project's first `git add -A` does.
  mkdirSync(join(dir, '.bricks'));
  writeFileSync(join(dir, '.bricks', 'state.json'), '{"v":1}');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'first');
  const sha = git(dir, 'rev-parse', 'HEAD');
  assert.equal(await gitIgnores(dir, '.bricks/'), 'not-ignored');

  writeFileSync(join(dir, '.bricks', 'state.json'), '{"v":2}');
  writeFileSync(join(dir, '.bricks', 'daemon.log'), 'a line\n');
  mkdirSync(join(dir, 'app', '.bricks'), { recursive: true });
  writeFileSync(join(dir, 'app', '.bricks', 'token'), 'x');
  assert.deepEqual(await gitState(dir), { sha, dirty: false }, 'changed, new and nested state files are not changes');

  writeFileSync(join(dir, 'a.txt'), 'two\n');
  const edited = await gitState(dir);
  assert.equal(edited.dirty, true);
  writeFileSync(join(dir, '.bricks', 'daemon.log'), 'a line\nanother line\n');
  writeFileSync(join(dir, '.bricks', 'state.json'), '{"v":3}');
  assert.deepEqual(await gitState(dir), edited, 'the hash of a real change does not move with the state folder');

  writeFileSync(join(dir, '.gitignore'), '.bricks/\n');
  assert.equal(await gitIgnores(dir, '.bricks/'), 'ignored');
  assert.equal(await gitIgnores(join(dir, 'app'), '.bricks/'), 'ignored', 'from a subdirectory');
  assert.equal(await gitIgnores(tempDir(t), '.bricks/'), 'not-a-work-tree');
});
