import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { BuildError } from './errors.ts';
import { Lockfile, packageKeyOf } from './lockfile.ts';

test('files map to the package installed around them', () => {
  assert.equal(packageKeyOf('node_modules/a/lib/x.js'), 'node_modules/a');
  assert.equal(packageKeyOf('node_modules/@s/b/index.js'), 'node_modules/@s/b');
  assert.equal(packageKeyOf('node_modules/a/node_modules/@s/c/x.js'), 'node_modules/a/node_modules/@s/c');
  assert.equal(packageKeyOf('examples/app/node_modules/d/x.js'), 'examples/app/node_modules/d');
  assert.equal(packageKeyOf('packages/sdk/src/index.ts'), undefined);
});

test('dependencies resolve like node: nested first, then hoisted', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bricks-lock-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(
    join(dir, 'package-lock.json'),
    JSON.stringify({
      lockfileVersion: 3,
      packages: {
        '': {},
        'node_modules/a': { version: '1.0.0', dependencies: { b: '^2' } },
        'node_modules/a/node_modules/b': { version: '2.0.0', integrity: 'sha512-b2' },
        'node_modules/b': { version: '1.0.0' },
        'node_modules/ws': { resolved: 'packages/ws', link: true },
      },
    }),
  );
  const lock = Lockfile.read(dir);
  assert.equal(lock.resolveDependency('node_modules/a', 'b')?.version, '2.0.0');
  assert.equal(lock.resolveDependency('examples/app', 'b')?.version, '1.0.0');
  assert.equal(lock.get('node_modules/ws'), undefined, 'workspace links are sources, not packages');
  assert.deepEqual(lock.packageOf('node_modules/a/node_modules/b/x.js'), {
    key: 'node_modules/a/node_modules/b',
    name: 'b',
    version: '2.0.0',
    integrity: 'sha512-b2',
    dependencies: [],
  });
});

test('a missing or old lockfile is a lockfile error', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bricks-lock-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  assert.throws(() => Lockfile.read(dir), (err: unknown) => err instanceof BuildError && err.code === 'lockfile-invalid');
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify({ lockfileVersion: 1, dependencies: {} }));
  assert.throws(() => Lockfile.read(dir), (err: unknown) => err instanceof BuildError && err.code === 'lockfile-invalid');
});
