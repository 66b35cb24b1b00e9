// The lockfile readers: one suite that every format runs on the same workspace as its package
// manager installed it (fixtures/), then each format's own errors, and how the root and its
// lockfile are found.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { TestContext } from 'node:test';
import { BuildError } from './errors.ts';
import { copyPackages, externalClosure } from './externals.ts';
import { findLockfile, packageKeyOf, readLockfile, workspaceRoot } from './lockfile.ts';
import type { LockEntry, Lockfile } from './lockfile.ts';
import { FORMATS, fixtureWorkspace } from './lockfile/workspace-fixture.ts';

// What each lockfile pins: npm, pnpm and yarn 1 record the registry's sha512 of the tarball
// (so a package has the same digest whichever installed it), yarn 2+ a checksum of its own archive.
const SHA512 = {
  'is-odd@3.0.1': 'sha512-CQpnWPrDwmP1+SMHXZhtLtJv90yiyVfluGsX5iNCVkrhQtU3TQHsUWPG9wkdk9Lgd5yNpAg9jQEo90CBaXgWMA==',
  'is-number@6.0.0': 'sha512-Wu1VHeILBK8KAWJUAiSZQX94GmOE45Rg6/538fKwiloUu21KncEkYGPqob2oSZ5mUT73vLGrHQjKw3KMPwfDzg==',
};
const BERRY = {
  'is-odd@3.0.1': '10c0/89ee2e353c5a3f3bd400c79db1c307a5b3506198ee8169d521e533a9b1d8a08fc95f21a919c084e98845b4286d7ffe309778da03744dfe66c3c1763ab1a030c6',
  'is-number@6.0.0': '10c0/5da4c68401529675c575878d2760d66f18eaef4b014858577f6003daf66488d7fe4eae684b1e8574e3fa1bb447c6c6c56b8491d2b4b3239da2d32e5f6f218008',
};

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'bricks-lock-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function lockfileError(pattern: RegExp): (err: unknown) => boolean {
  return (err: unknown) => err instanceof BuildError && err.code === 'lockfile-invalid' && pattern.test(err.message);
}

/** Where the externals plugin finds a package for a file in `fromDir` (node's lookup, links unresolved). */
function foundFrom(root: string, fromDir: string, name: string): string {
  for (let dir = fromDir; ; dir = join(dir, '..')) {
    const candidate = join(root, dir, 'node_modules', name);
    if (existsSync(candidate)) return candidate;
    if (dir === '.' || dir === '') throw new Error(`${name} not found from ${fromDir}`);
  }
}

for (const format of FORMATS) {
  describe(`${format} lockfile`, () => {
    const pinned = format === 'yarn-berry' ? BERRY : SHA512;
    const setup = (t: TestContext): { root: string; lock: Lockfile } => {
      const ws = fixtureWorkspace(format);
      t.after(() => ws.cleanup());
      return { root: ws.root, lock: readLockfile(ws.root) };
    };

    test('is the one at the root', (t) => {
      const { root, lock } = setup(t);
      assert.equal(lock.path, findLockfile(root)?.path);
      assert.equal(workspaceRoot(join(root, 'app')), root);
    });

    test('a package resolves as node resolves it, with the version and integrity the lockfile pins', (t) => {
      const { lock } = setup(t);
      const isOdd = lock.resolveDependency('app', 'is-odd');
      assert.ok(isOdd);
      assert.equal(isOdd.name, 'is-odd');
      assert.equal(isOdd.version, '3.0.1');
      assert.equal(isOdd.integrity, pinned['is-odd@3.0.1']);
      assert.deepEqual(isOdd.dependencies, ['is-number']);
      // Its own is-number is not the one the workspace packages get.
      const nested = lock.resolveDependency(isOdd.key, 'is-number');
      assert.equal(nested?.version, '6.0.0');
      assert.equal(nested.integrity, pinned['is-number@6.0.0']);
      assert.equal(lock.resolveDependency('app', 'is-number')?.version, '7.0.0');
      assert.equal(lock.resolveDependency('lib', 'is-number')?.version, '7.0.0');
      assert.equal(lock.resolveDependency('app', '@isaacs/string-locale-compare')?.name, '@isaacs/string-locale-compare');
      // A peer dependency is one too: it is what the package requires at run time.
      const sync = lock.resolveDependency('app', 'use-sync-external-store');
      assert.deepEqual(sync?.dependencies, ['react']);
      assert.equal(lock.resolveDependency(sync.key, 'react')?.version, '18.3.1');
    });

    test('files map to their package; workspace packages are sources, not packages', (t) => {
      const { lock } = setup(t);
      const isOdd = lock.resolveDependency('app', 'is-odd')!;
      assert.deepEqual(lock.get(isOdd.key), isOdd);
      assert.deepEqual(lock.packageOf(`${isOdd.key}/index.js`), isOdd);
      assert.equal(lock.resolveDependency('app', 'lib'), undefined);
      assert.equal(lock.packageOf('app/index.ts'), undefined);
      assert.equal(lock.get('node_modules/nope'), undefined);
    });

    test('external packages are copied so that node finds in the artifact the versions the workspace resolved', (t) => {
      const { root, lock } = setup(t);
      const dirs = ['use-sync-external-store', 'is-odd', 'is-number'].map((name) => foundFrom(root, 'app', name));
      const { entries, layout } = externalClosure(lock, root, dirs);
      const ids = (list: Iterable<LockEntry>): string[] => [...new Set([...list].map((e) => `${e.name}@${e.version}`))].sort();
      assert.deepEqual(ids(entries), ['is-number@6.0.0', 'is-number@7.0.0', 'is-odd@3.0.1', 'js-tokens@4.0.0', 'loose-envify@1.4.0', 'react@18.3.1', 'use-sync-external-store@1.2.0']);
      assert.deepEqual(ids(layout.values()), ids(entries));
      const artifact = tempDir(t);
      copyPackages(root, artifact, layout);
      writeFileSync(join(artifact, 'main.cjs'), "console.log(JSON.stringify(['use-sync-external-store', 'is-odd', 'is-number', 'react'].map((n) => require(n))));\n");
      const reached = JSON.parse(execFileSync(process.execPath, ['main.cjs'], { cwd: artifact, encoding: 'utf8' })) as unknown;
      assert.deepEqual(reached, [
        { id: 'use-sync-external-store@1.2.0', deps: { react: 'react@18.3.1' } },
        { id: 'is-odd@3.0.1', deps: { 'is-number': 'is-number@6.0.0' } },
        { id: 'is-number@7.0.0', deps: {} },
        { id: 'react@18.3.1', deps: { 'loose-envify': 'loose-envify@1.4.0' } },
      ]);
    });
  });
}

test('files map to the package installed around them', () => {
  assert.equal(packageKeyOf('node_modules/a/lib/x.js'), 'node_modules/a');
  assert.equal(packageKeyOf('node_modules/@s/b/index.js'), 'node_modules/@s/b');
  assert.equal(packageKeyOf('node_modules/a/node_modules/@s/c/x.js'), 'node_modules/a/node_modules/@s/c');
  assert.equal(packageKeyOf('examples/app/node_modules/d/x.js'), 'examples/app/node_modules/d');
  assert.equal(packageKeyOf('node_modules/.pnpm/@s+b@1.0.0/node_modules/@s/b/x.js'), 'node_modules/.pnpm/@s+b@1.0.0/node_modules/@s/b');
  assert.equal(packageKeyOf('packages/sdk/src/index.ts'), undefined);
});

test('the root is the nearest folder with a lockfile or pnpm-workspace.yaml', (t) => {
  const dir = tempDir(t);
  mkdirSync(join(dir, 'services/api'), { recursive: true });
  assert.equal(workspaceRoot(join(dir, 'services/api')), join(dir, 'services/api'), 'none: the folder itself');
  for (const marker of ['pnpm-workspace.yaml', 'yarn.lock', 'pnpm-lock.yaml', 'package-lock.json']) {
    writeFileSync(join(dir, marker), '');
    assert.equal(workspaceRoot(join(dir, 'services/api')), dir, marker);
    rmSync(join(dir, marker));
  }
});

test('no lockfile, or lockfiles of two package managers, is a lockfile error that says what to do', (t) => {
  const dir = tempDir(t);
  assert.throws(() => readLockfile(dir), lockfileError(/no lockfile in .*package-lock\.json, pnpm-lock\.yaml, yarn\.lock.*install/));
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify({ lockfileVersion: 3, packages: { '': {} } }));
  writeFileSync(join(dir, 'pnpm-lock.yaml'), "lockfileVersion: '9.0'\n");
  assert.throws(() => readLockfile(dir), lockfileError(/lockfiles of npm and pnpm \(package-lock\.json, pnpm-lock\.yaml\).*packageManager/));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ packageManager: 'pnpm@9.15.0' }));
  assert.deepEqual(findLockfile(dir), { path: join(dir, 'pnpm-lock.yaml'), manager: 'pnpm' });
});

test('npm: an old lockfile names its version and the npm that reads it', (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify({ lockfileVersion: 1, dependencies: {} }));
  assert.throws(() => readLockfile(dir), lockfileError(/package-lock\.json \(lockfileVersion 1\).*npm 7/));
  writeFileSync(join(dir, 'package-lock.json'), '{ "lockfileVersion": 3, ');
  assert.throws(() => readLockfile(dir), lockfileError(/package-lock\.json is not valid JSON/));
});

test('npm: dependencies resolve nested first, then hoisted; links are sources', (t) => {
  const dir = tempDir(t);
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
  const lock = readLockfile(dir);
  assert.equal(lock.resolveDependency('node_modules/a', 'b')?.version, '2.0.0');
  assert.equal(lock.resolveDependency('examples/app', 'b')?.version, '1.0.0');
  assert.equal(lock.get('node_modules/ws'), undefined);
});

test('pnpm: a lockfile older than 6.0 or newer than 9.0, or not YAML, says so', (t) => {
  const dir = tempDir(t);
  const lockPath = join(dir, 'pnpm-lock.yaml');
  writeFileSync(lockPath, "lockfileVersion: 5.4\npackages:\n  /is-number/7.0.0:\n    resolution: {integrity: sha512-x}\n");
  assert.throws(() => readLockfile(dir), lockfileError(/pnpm-lock\.yaml has lockfileVersion 5\.4; .*6\.0 to 9\.0: run pnpm install with pnpm 8 or later/));
  writeFileSync(lockPath, "lockfileVersion: '10.0'\n");
  assert.throws(() => readLockfile(dir), lockfileError(/lockfileVersion "10\.0".*newer than bricks knows/));
  writeFileSync(lockPath, "lockfileVersion: '9.0'\npackages:\n  a@1.0.0:\n    resolution: {integrity: sha512-a\n");
  assert.throws(() => readLockfile(dir), lockfileError(/pnpm-lock\.yaml:5:1: not valid YAML \(Flow map.*\); run pnpm install/));
  writeFileSync(lockPath, "lockfileVersion: '9.0'\npackages: [a, b]\n");
  assert.throws(() => readLockfile(dir), lockfileError(/"packages" is not a map/));
});

test('yarn 1: a line that is not an entry names its line; without integrity the sha1 in the URL pins the package', (t) => {
  const dir = tempDir(t);
  const lockPath = join(dir, 'yarn.lock');
  writeFileSync(lockPath, '# yarn lockfile v1\n\n\na@^1.0.0:\n  version "1.0.0"\n\nthis is not an entry\n');
  assert.throws(() => readLockfile(dir), lockfileError(/yarn\.lock:7: expected an entry/));
  // Lockfiles written before yarn 1.10 (2018) have no integrity lines.
  writeFileSync(lockPath, '# yarn lockfile v1\n\n\n"a@^1.0.0", a@^1.1.0:\n  version "1.2.0"\n  resolved "https://registry.example.com/a/-/a-1.2.0.tgz#0123abcd"\n');
  mkdirSync(join(dir, 'node_modules/a'), { recursive: true });
  writeFileSync(join(dir, 'node_modules/a/package.json'), JSON.stringify({ name: 'a', version: '1.2.0' }));
  assert.equal(readLockfile(dir).get('node_modules/a')?.integrity, 'sha1-hex:0123abcd');
});

test("yarn 2+: neither format, or Plug'n'Play without node_modules, says what to do", (t) => {
  const dir = tempDir(t);
  const lockPath = join(dir, 'yarn.lock');
  writeFileSync(lockPath, '"a@npm:^1.0.0":\n  version: 1.0.0\n');
  assert.throws(() => readLockfile(dir), lockfileError(/neither yarn 1's format .* nor yarn 2\+'s \(a __metadata entry/));
  writeFileSync(lockPath, '__metadata:\n  version: 8\n  cacheKey: 10c0\n');
  writeFileSync(join(dir, '.pnp.cjs'), '');
  assert.throws(() => readLockfile(dir), lockfileError(/Plug'n'Play .*nodeLinker: node-modules/));
});
