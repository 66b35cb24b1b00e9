// The launcher runs the same CLI from the bundle as through tsx (its fallback), and an installed
// package's prebuilt one without writing beside itself.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const BIN = new URL('./bricks.js', import.meta.url).pathname;

function help(env: Record<string, string>): { stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', BRICKS_DEBUG: '1', ...env } });
  assert.equal(r.status, 0, r.stderr);
  return r;
}

describe('bin/bricks.js', () => {
  it('prints the same help from the bundle and from the sources', () => {
    const bundled = help({});
    const sources = help({ BRICKS_TSX: '1' });
    assert.match(bundled.stderr, /bricks: running .*\/\.cache\/cli\/[0-9a-f]{16}\/main\.js/);
    assert.doesNotMatch(sources.stderr, /running/);
    assert.match(bundled.stdout, /Usage: bricks/);
    assert.equal(bundled.stdout, sources.stdout);
  });
});

describe('bin/bricks.js in an installed package (no src/)', () => {
  it('runs the build in dist/ and writes nothing beside itself', async (t) => {
    const { buildPackage } = await import('../scripts/build-package.mjs');
    const root = mkdtempSync(join(tmpdir(), 'bricks-installed-'));
    t.after(() => rmSync(root, { recursive: true, force: true }));
    const pkg = join(root, 'node_modules', 'bricks');
    mkdirSync(join(pkg, 'bin'), { recursive: true });
    for (const file of ['bricks.js', 'package-layout.js']) cpSync(new URL(`./${file}`, import.meta.url), join(pkg, 'bin', file));
    cpSync(new URL('../package.json', import.meta.url), join(pkg, 'package.json'));
    await buildPackage(join(pkg, 'dist'));
    // Its dependencies, where an install puts them: beside it.
    for (const dep of ['esbuild', 'pidusage']) symlinkSync(realpathSync(new URL(`../../../node_modules/${dep}`, import.meta.url)), join(root, 'node_modules', dep));
    const before = listing(root);
    const r = spawnSync(process.execPath, [join(pkg, 'bin', 'bricks.js'), '--help'], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', BRICKS_DEBUG: '1' } });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /bricks: running .*node_modules\/bricks\/dist\/cli\/main\.js/);
    assert.equal(r.stdout, help({}).stdout, 'the same CLI as the sources');
    assert.deepEqual(listing(root), before, 'nothing written into the install');
  });

  it('says the package is incomplete when it has neither src/ nor dist/', (t) => {
    const pkg = mkdtempSync(join(tmpdir(), 'bricks-broken-'));
    t.after(() => rmSync(pkg, { recursive: true, force: true }));
    mkdirSync(join(pkg, 'bin'));
    for (const file of ['bricks.js', 'package-layout.js']) cpSync(new URL(`./${file}`, import.meta.url), join(pkg, 'bin', file));
    const r = spawnSync(process.execPath, [join(pkg, 'bin', 'bricks.js'), '--version'], { encoding: 'utf8' });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /has neither its sources \(src\/\) nor its build \(dist\/cli\/main\.js\).*install it again/);
  });
});

/** Every path under `dir` with its size and mtime, to show that nothing was added or changed. */
function listing(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .map((e) => join(e.parentPath, e.name))
    .map((p) => {
      const s = lstatSync(p);
      return `${p} ${s.size} ${s.mtimeMs}`;
    })
    .sort();
}
