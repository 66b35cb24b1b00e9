// The stamp that decides whether the CLI bundle is fresh: any change to the sources changes it.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, renameSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { EXTERNAL_PACKAGES, listSources, sourceStamp, stampOf, WORKSPACE_SOURCES } from './source-stamp.js';

/** The real bricks package. */
const ROOT = new URL('..', import.meta.url).pathname;

const files = [
  { path: 'src/a.ts', size: 10, mtimeMs: 1000 },
  { path: 'src/b.ts', size: 20, mtimeMs: 2000 },
  { path: 'package.json', size: 30, mtimeMs: 500 },
];

describe('stampOf', () => {
  it('is the same for the same files in any order', () => {
    assert.equal(stampOf(files), stampOf([...files].reverse()));
    assert.match(stampOf(files), /^[0-9a-f]{16}$/);
  });

  it('changes when a file is touched, even to an older time', () => {
    assert.notEqual(stampOf([{ ...files[0]!, mtimeMs: 1001 }, files[1]!, files[2]!]), stampOf(files));
    assert.notEqual(stampOf([{ ...files[0]!, mtimeMs: 999 }, files[1]!, files[2]!]), stampOf(files));
  });

  it('changes when a file changes size within the same mtime tick', () => {
    assert.notEqual(stampOf([{ ...files[0]!, size: 11 }, files[1]!, files[2]!]), stampOf(files));
  });

  it('changes when a file is added, removed or renamed', () => {
    assert.notEqual(stampOf([...files, { path: 'src/c.ts', size: 1, mtimeMs: 1 }]), stampOf(files));
    assert.notEqual(stampOf(files.slice(1)), stampOf(files));
    assert.notEqual(stampOf([{ ...files[0]!, path: 'src/z.ts' }, files[1]!, files[2]!]), stampOf(files));
  });
});

function fakePackage(t: TestContext): string {
  const root = mkdtempSync(join(tmpdir(), 'bricks-stamp-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, 'src', 'cli'), { recursive: true });
  mkdirSync(join(root, 'bin'));
  writeFileSync(join(root, 'package.json'), '{"name":"bricks"}');
  writeFileSync(join(root, 'src', 'cli', 'main.ts'), 'console.log(1);\n');
  writeFileSync(join(root, 'bin', 'bricks.js'), '');
  return root;
}

describe('sourceStamp', () => {
  it('lists src/, bin/ and package.json, directories included, relative to the package', (t) => {
    const root = fakePackage(t);
    assert.deepEqual(listSources(root).map((f) => f.path).sort(), ['bin/bricks.js', 'package.json', 'src/cli', 'src/cli/main.ts']);
  });

  it('moves when a source is touched, added or renamed on disk, and only then', (t) => {
    const root = fakePackage(t);
    const first = sourceStamp(root);
    assert.equal(sourceStamp(root), first);
    utimesSync(join(root, 'src', 'cli', 'main.ts'), new Date(), new Date(Date.now() + 5000));
    const touched = sourceStamp(root);
    assert.notEqual(touched, first);
    writeFileSync(join(root, 'src', 'cli', 'extra.ts'), '');
    const added = sourceStamp(root);
    assert.notEqual(added, touched);
    renameSync(join(root, 'src', 'cli', 'extra.ts'), join(root, 'src', 'cli', 'other.ts'));
    assert.notEqual(sourceStamp(root), added);
  });

  it('moves when a bundled dependency is installed in another version, not for an external one', (t) => {
    const root = fakePackage(t);
    writeFileSync(join(root, 'package.json'), '{"name":"bricks","dependencies":{"esbuild":"^0.28"},"devDependencies":{"yaml":"^2"}}');
    for (const name of ['yaml', 'esbuild']) {
      mkdirSync(join(root, 'node_modules', name), { recursive: true });
      writeFileSync(join(root, 'node_modules', name, 'package.json'), '{"version":"1.0.0"}');
    }
    assert.ok(listSources(root).some((f) => f.path === 'dependency:yaml'));
    assert.ok(!listSources(root).some((f) => f.path === 'dependency:esbuild'), 'esbuild stays external');
    const first = sourceStamp(root);
    writeFileSync(join(root, 'node_modules', 'esbuild', 'package.json'), '{"version":"1.0.10"}');
    assert.equal(sourceStamp(root), first, 'an external package is not in the bundle');
    writeFileSync(join(root, 'node_modules', 'yaml', 'package.json'), '{"version":"1.0.10"}');
    assert.notEqual(sourceStamp(root), first);
  });
});

/** A workspace package beside `root` (as packages/sdk is), linked into its node_modules as npm does. */
function workspacePackage(root: string, name: string): string {
  const dir = join(root, '..', name.replace('/', '-'));
  mkdirSync(join(dir, 'src', 'lib'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), `{"name":"${name}"}`);
  writeFileSync(join(dir, 'src', 'lib', 'names.js'), 'export const A = 1;\n');
  writeFileSync(join(dir, 'src', 'other.ts'), '');
  mkdirSync(dirname(join(root, 'node_modules', name)), { recursive: true });
  symlinkSync(dir, join(root, 'node_modules', name));
  writeFileSync(join(root, 'package.json'), `{"name":"bricks","dependencies":{"${name}":"0.1.0"}}`);
  return dir;
}

describe('sourceStamp of a workspace package bundled in', () => {
  it('moves when a file the bundle takes from it changes, not for its other files', (t) => {
    const root = join(fakePackage(t), 'bricks');
    mkdirSync(root);
    for (const d of ['src', 'bin']) mkdirSync(join(root, d));
    const dir = workspacePackage(root, '@bricks/sdk');
    const listed = WORKSPACE_SOURCES['@bricks/sdk'] ?? [];
    assert.ok(listed.length > 0);
    for (const file of listed) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), 'export const A = 1;\n');
    }
    let stamp = sourceStamp(root);
    utimesSync(join(dir, 'src', 'other.ts'), new Date(), new Date(Date.now() + 5000));
    assert.equal(sourceStamp(root), stamp, 'a file the bundle does not take');
    for (const file of listed) {
      writeFileSync(join(dir, file), 'export const A = 22;\n');
      assert.notEqual(sourceStamp(root), stamp, file);
      stamp = sourceStamp(root);
    }
  });

  it('stamps a workspace package it has no list for whole', (t) => {
    const root = join(fakePackage(t), 'bricks');
    mkdirSync(root);
    for (const d of ['src', 'bin']) mkdirSync(join(root, d));
    const dir = workspacePackage(root, 'unlisted');
    assert.deepEqual(
      listSources(root).map((f) => f.path).filter((p) => p.startsWith('dependency:')).sort(),
      ['dependency:unlisted', 'dependency:unlisted/src', 'dependency:unlisted/src/lib', 'dependency:unlisted/src/lib/names.js', 'dependency:unlisted/src/other.ts'],
    );
    const first = sourceStamp(root);
    writeFileSync(join(dir, 'src', 'lib', 'names.js'), 'export const A = 22;\n');
    assert.notEqual(sourceStamp(root), first);
  });
});

describe('the real CLI bundle', () => {
  it('stamps the SDK module it takes in, as it is on disk', () => {
    const sdk = realpathSync(resolve(ROOT, '..', '..', 'node_modules', '@bricks', 'sdk'));
    const stamped = listSources(ROOT).find((f) => f.path === 'dependency:@bricks/sdk/src/config/platform-env-names.js');
    const disk = statSync(join(sdk, 'src', 'config', 'platform-env-names.js'));
    assert.deepEqual(stamped && { size: stamped.size, mtimeMs: stamped.mtimeMs }, { size: disk.size, mtimeMs: disk.mtimeMs });
  });

  it('takes from each workspace package only files its WORKSPACE_SOURCES lists', async () => {
    const { build } = await import('esbuild');
    // Only the inputs matter here: no splitting, minifying or source maps.
    const result = await build({
      absWorkingDir: ROOT,
      entryPoints: ['src/cli/main.ts'],
      outdir: 'unused',
      write: false,
      bundle: true,
      metafile: true,
      format: 'esm',
      platform: 'node',
      external: [...EXTERNAL_PACKAGES],
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs).map((p) => resolve(ROOT, p));
    for (const [name, listed] of Object.entries(WORKSPACE_SOURCES)) {
      const dir = realpathSync(resolve(ROOT, '..', '..', 'node_modules', name));
      const taken = inputs.filter((p) => p.startsWith(`${dir}/`)).map((p) => relative(dir, p));
      assert.ok(taken.length > 0, `the bundle takes nothing from ${name}: drop it from WORKSPACE_SOURCES`);
      assert.deepEqual(taken.filter((p) => !listed.includes(p)), [], `add these to WORKSPACE_SOURCES['${name}'] in bin/source-stamp.js`);
    }
  });
});
