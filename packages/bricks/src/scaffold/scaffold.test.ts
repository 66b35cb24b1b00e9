// `bricks init`'s scaffold: each template becomes a complete project named for its folder, with
// bricks' packages at this version; a folder with files is refused unless forced, and then kept.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { scaffold, ScaffoldError, tarballName, TEMPLATES } from './index.ts';
import type { ScaffoldErrorCode } from './index.ts';

const VERSION = '1.2.3';

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'bricks-init-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

const isCode = (code: ScaffoldErrorCode) => (err: unknown) => err instanceof ScaffoldError && err.code === code;

interface Manifest {
  name: string;
  type: string;
  scripts: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies: Record<string, string>;
}

test('the sdk template: an ESM package with its scripts, a strict tsconfig, a contract, a service, its test, a stack, a .gitignore, a README', (t) => {
  const dir = join(tempDir(t), 'My Shop');
  const report = scaffold({ dir, template: 'sdk', version: VERSION });
  assert.equal(report.name, 'my-shop');
  assert.deepEqual(filesUnder(dir), [
    '.gitignore',
    '.yarnrc.yml',
    'README.md',
    'bricks.yaml',
    'gen/hello/v1/greeter_pb.ts',
    'package.json',
    'proto/hello/v1/greeter.proto',
    'src/greeter.test.ts',
    'src/greeter.ts',
    'src/main.ts',
    'tsconfig.json',
  ]);
  assert.deepEqual([...report.written].sort(), filesUnder(dir));
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
  assert.equal(pkg.name, 'my-shop');
  assert.equal(pkg.type, 'module', 'ESM, or top-level await fails under a CommonJS default');
  for (const script of ['dev', 'up', 'test', 'gen']) assert.ok(pkg.scripts[script], script);
  assert.equal(pkg.dependencies?.['@bricks/sdk'], `^${VERSION}`);
  assert.equal(pkg.devDependencies.bricks, `^${VERSION}`);
  for (const tool of ['@bufbuild/buf', '@bufbuild/protoc-gen-es', 'tsx', 'typescript']) assert.ok(pkg.devDependencies[tool], tool);
  assert.match(readFileSync(join(dir, '.gitignore'), 'utf8'), /^\.bricks\/$/m);
  assert.match(readFileSync(join(dir, 'README.md'), 'utf8'), /^# my-shop$/m);
  // tsconfig.json is JSON with comments, as tsc reads it.
  assert.match(readFileSync(join(dir, 'tsconfig.json'), 'utf8'), /"strict": true/);
  for (const file of filesUnder(dir)) assert.doesNotMatch(readFileSync(join(dir, file), 'utf8'), /\{\{\w+\}\}/, `${file} is filled in`);
});

test('the http template: a plain HTTP service without the SDK or codegen', (t) => {
  const dir = join(tempDir(t), 'web-app');
  scaffold({ dir, template: 'http', version: VERSION });
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
  assert.equal(pkg.dependencies, undefined);
  assert.equal(pkg.devDependencies.bricks, `^${VERSION}`);
  assert.equal(pkg.scripts.gen, undefined, 'no contracts, nothing to generate');
  assert.ok(filesUnder(dir).includes('src/app.test.ts'));
  assert.ok(!filesUnder(dir).some((f) => f.startsWith('proto/') || f.startsWith('gen/')));
});

test('every template is listed with what it holds', () => {
  assert.deepEqual(TEMPLATES.map((x) => x.name), ['sdk', 'http']);
  assert.throws(() => scaffold({ dir: '/nonexistent/x', template: 'react', version: VERSION }), (err: unknown) => isCode('unknown-template')(err) && /--template takes sdk \(.*\), or http/.test((err as Error).message));
});

test('a folder with files is refused unless forced; forced, its files stay and .gitignore gets what it lacks', (t) => {
  const dir = tempDir(t);
  mkdirSync(join(dir, '.git'));
  scaffold({ dir: join(dir), template: 'http', version: VERSION, name: 'ok-with-git' });

  const other = tempDir(t);
  writeFileSync(join(other, 'README.md'), '# mine\n');
  writeFileSync(join(other, '.gitignore'), 'dist/\nnode_modules/');
  assert.throws(() => scaffold({ dir: other, template: 'sdk', version: VERSION, name: 'x' }), (err: unknown) => isCode('not-empty')(err) && /README\.md.*--force/.test((err as Error).message));
  assert.deepEqual(filesUnder(other), ['.gitignore', 'README.md'], 'nothing written');
  const forced = scaffold({ dir: other, template: 'sdk', version: VERSION, name: 'x', force: true });
  assert.deepEqual(forced.kept, ['README.md']);
  assert.deepEqual(forced.extended, ['.gitignore']);
  assert.equal(readFileSync(join(other, 'README.md'), 'utf8'), '# mine\n');
  assert.equal(readFileSync(join(other, '.gitignore'), 'utf8'), 'dist/\nnode_modules/\n.bricks/\n');
});

test('a name npm would refuse is an error that says what a name may hold', (t) => {
  assert.throws(() => scaffold({ dir: join(tempDir(t), 'a'), template: 'sdk', version: VERSION, name: 'Bad Name' }), (err: unknown) => isCode('bad-name')(err) && /"Bad Name" is not a valid npm package name.*--name/.test((err as Error).message));
  assert.throws(() => scaffold({ dir: join(tempDir(t), '___'), template: 'sdk', version: VERSION }), isCode('bad-name'));
});

test('--tarballs: the project installs bricks and the SDK from npm pack’s files, which must be there', (t) => {
  const packs = tempDir(t);
  assert.equal(tarballName('@bricks/sdk', VERSION), `bricks-sdk-${VERSION}.tgz`);
  writeFileSync(join(packs, tarballName('bricks', VERSION)), '');
  assert.throws(
    () => scaffold({ dir: join(tempDir(t), 'p'), template: 'sdk', version: VERSION, tarballs: packs }),
    (err: unknown) => isCode('tarball-missing')(err) && (err as Error).message.includes(`has no bricks-sdk-${VERSION}.tgz`) && /npm pack -w packages\/bricks -w packages\/sdk/.test((err as Error).message),
  );
  writeFileSync(join(packs, tarballName('@bricks/sdk', VERSION)), '');
  const dir = join(tempDir(t), 'p');
  scaffold({ dir, template: 'sdk', version: VERSION, tarballs: packs });
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
  assert.equal(pkg.devDependencies.bricks, `file:${join(packs, `bricks-${VERSION}.tgz`)}`);
  assert.equal(pkg.dependencies?.['@bricks/sdk'], `file:${join(packs, `bricks-sdk-${VERSION}.tgz`)}`);
});
