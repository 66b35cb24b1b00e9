// Finding the bricks package from a module, wherever the module was built to.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { findPackageRoot, packagePath } from './package-root.ts';

describe('package root', () => {
  it('walks up past other package.json files to the one named bricks, from a path or a URL', (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'bricks-root-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'bricks' }));
    mkdirSync(join(dir, '.cache', 'cli', 'abc', 'chunks'), { recursive: true });
    writeFileSync(join(dir, '.cache', 'cli', 'package.json'), JSON.stringify({ name: 'other' }));
    writeFileSync(join(dir, '.cache', 'cli', 'abc', 'package.json'), 'not json');
    const chunk = join(dir, '.cache', 'cli', 'abc', 'chunks', 'x.js');
    assert.equal(findPackageRoot(chunk), dir);
    assert.equal(findPackageRoot(pathToFileURL(chunk)), dir);
    assert.equal(findPackageRoot(pathToFileURL(chunk).href), dir);
  });

  it('says so when no package above is bricks', () => {
    assert.throws(() => findPackageRoot('/x.js'), /no package.json named "bricks" above \/x.js/);
  });

  it('names files of this package', () => {
    assert.equal(packagePath('bin', 'bricks.js'), new URL('../../bin/bricks.js', import.meta.url).pathname);
  });
});
