// The stamp that decides whether the CLI bundle is fresh: any change to the sources changes it.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { listSources, sourceStamp, stampOf } from './source-stamp.js';

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
    writeFileSync(join(root, 'package.json'), '{"name":"bricks","dependencies":{"yaml":"^2","esbuild":"^0.28"}}');
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
