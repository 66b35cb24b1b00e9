// The manifest a package is packed with: publishConfig's fields applied, the repository's put back.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { KEPT_AS, postpack, prepack, publishManifest } from './publish-manifest.mjs';

const sdk = JSON.parse(readFileSync(new URL('../packages/sdk/package.json', import.meta.url), 'utf8')) as Record<string, unknown>;

test("publishConfig's fields replace the manifest's; npm's own publish settings stay in publishConfig", () => {
  const packed = publishManifest({ name: 'x', exports: './src/index.ts', publishConfig: { exports: './dist/index.js', types: './dist/index.d.ts', access: 'public' } });
  assert.deepEqual(packed, { name: 'x', exports: './dist/index.js', types: './dist/index.d.ts', publishConfig: { access: 'public' } });
  assert.deepEqual(publishManifest({ name: 'y', publishConfig: { main: 'a.js' } }), { name: 'y', main: 'a.js' });
  assert.deepEqual(publishManifest({ name: 'z' }), { name: 'z' });
});

test("the SDK's tarball points every export at built JavaScript with its types; the repository's at the sources", () => {
  const inRepo = sdk.exports as Record<string, string>;
  const packed = publishManifest(sdk).exports as Record<string, string | { types: string; default: string }>;
  assert.deepEqual(Object.keys(packed).sort(), Object.keys(inRepo).sort(), 'the same entry points');
  for (const [path, target] of Object.entries(packed)) {
    if (path === './package.json') continue;
    assert.equal(typeof target, 'object', path);
    const t = target as { types: string; default: string };
    assert.match(t.default, /^\.\/dist\/.*\.js$/, path);
    assert.equal(t.types, t.default.replace(/\.js$/, '.d.ts'), path);
    assert.match(inRepo[path] ?? '', /^\.\/src\//, `${path} runs from the sources in the repository`);
  }
});

test('prepack writes the packed manifest and keeps the repository one; postpack puts it back, also after a pack that died', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bricks-manifest-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const original = `${JSON.stringify({ name: 'x', exports: './src/a.ts', publishConfig: { exports: './dist/a.js' } }, null, 2)}\n`;
  writeFileSync(join(dir, 'package.json'), original);
  prepack(dir);
  assert.equal((JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { exports: string }).exports, './dist/a.js');
  // A second prepack without a postpack between (the first pack was killed) starts from the original.
  prepack(dir);
  assert.equal(readFileSync(join(dir, KEPT_AS), 'utf8'), original);
  postpack(dir);
  assert.equal(readFileSync(join(dir, 'package.json'), 'utf8'), original);
  assert.ok(!existsSync(join(dir, KEPT_AS)));
});
