// Building, reusing and replacing the CLI bundle, on a small package of its own in a temp dir.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { cacheDir, cliBundle } from './cli-bundle.js';

/** A package named bricks whose CLI prints `word`, with a lazily imported module as main.ts has. */
function fakePackage(t: TestContext, word: string): string {
  const root = mkdtempSync(join(tmpdir(), 'bricks-bundle-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'src', 'cli'), { recursive: true });
  mkdirSync(join(root, 'bin'));
  writeFileSync(join(root, 'package.json'), '{"name":"bricks","type":"module"}');
  writeSource(root, word);
  writeFileSync(join(root, 'src', 'cli', 'fail.ts'), "export function fail(): never {\n  throw new Error('failed here');\n}\n");
  return root;
}

function writeSource(root: string, word: string, at = Date.now()): void {
  const file = join(root, 'src', 'cli', 'main.ts');
  writeFileSync(
    file,
    [
      'const said: string = ' + JSON.stringify(word) + ';',
      "if (process.argv[2] === 'fail') (await import('./fail.ts')).fail();",
      'console.log(said);',
      '',
    ].join('\n'),
  );
  // Edits within one test run closer together than some file systems' mtime tick: move it.
  utimesSync(file, at / 1000, at / 1000);
}

function run(main: string, ...args: string[]): string {
  return execFileSync(process.execPath, ['--enable-source-maps', main, ...args], { encoding: 'utf8' }).trim();
}

const builds = (root: string): string[] => readdirSync(cacheDir(root)).sort();

describe('cliBundle', () => {
  it('builds into .cache/cli/<stamp>/ and reuses the build while no source changed', async (t) => {
    const root = fakePackage(t, 'one');
    const main = await cliBundle(root);
    assert.ok(main !== null);
    assert.equal(dirname(dirname(main)), cacheDir(root));
    assert.equal(run(main), 'one');
    const built = statSync(main).mtimeMs;
    assert.equal(await cliBundle(root), main);
    assert.equal(statSync(main).mtimeMs, built);
    assert.deepEqual(builds(root), [dirname(main).slice(cacheDir(root).length + 1)]);
  });

  it('rebuilds when a source changed, and never runs the stale build', async (t) => {
    const root = fakePackage(t, 'one');
    const first = await cliBundle(root);
    writeSource(root, 'two', Date.now() + 2000);
    const second = await cliBundle(root);
    assert.ok(first !== null && second !== null);
    assert.notEqual(second, first);
    assert.equal(run(second), 'two');
  });

  it('keeps the newest build, two older ones, and any younger than a week (a daemon may run from it)', async (t) => {
    const root = fakePackage(t, 'v0');
    const mains: string[] = [];
    for (let i = 0; i < 4; i++) {
      writeSource(root, `v${i}`, Date.now() + i * 2000);
      const main = await cliBundle(root);
      assert.ok(main !== null);
      mains.push(main);
    }
    assert.equal(builds(root).length, 4, 'all young: none removed');
    const weekAgo = (Date.now() - 8 * 24 * 3600_000) / 1000;
    for (const m of mains.slice(0, 2)) utimesSync(dirname(m), weekAgo, weekAgo);
    writeSource(root, 'v4', Date.now() + 10_000);
    const newest = await cliBundle(root);
    assert.ok(newest !== null);
    const left = builds(root);
    assert.equal(left.length, 3, left.join(', '));
    for (const m of mains.slice(0, 2)) assert.ok(!left.includes(dirname(m).slice(cacheDir(root).length + 1)), 'the old ones beyond the newest three are gone');
    assert.equal(run(newest), 'v4');
  });

  it('lets concurrent builds of the same sources publish one whole bundle', async (t) => {
    const root = fakePackage(t, 'same');
    const mains = await Promise.all([cliBundle(root), cliBundle(root), cliBundle(root)]);
    assert.equal(new Set(mains).size, 1);
    assert.equal(run(mains[0]!), 'same');
    assert.equal(builds(root).length, 1, `no temp dir is left: ${builds(root).join(', ')}`);
  });

  it('maps stack traces to the .ts sources', async (t) => {
    const root = fakePackage(t, 'one');
    const main = await cliBundle(root);
    assert.ok(main !== null);
    const r = spawnSync(process.execPath, ['--enable-source-maps', main, 'fail'], { encoding: 'utf8' });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /src\/cli\/fail\.ts:2/);
  });

  it('gives null, and says why only to a debug log, when the sources do not build', async (t) => {
    const root = fakePackage(t, 'one');
    writeFileSync(join(root, 'src', 'cli', 'main.ts'), 'const = ;\n');
    const said: string[] = [];
    assert.equal(await cliBundle(root, (m) => said.push(m)), null);
    assert.match(said.join('\n'), /no CLI bundle, running the sources through tsx/);
  });
});
