// The installed CLI's build: what it imports is exactly what the package declares it depends on,
// and it is whole without the sources (an installed bricks has no src/).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildPackage } from './build-package.mjs';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
  files: string[];
};

test('the built CLI imports exactly the dependencies package.json declares; the rest is bundled in', { timeout: 60_000 }, async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'bricks-dist-'));
  t.after(() => rmSync(out, { recursive: true, force: true }));
  const { external } = await buildPackage(out);
  assert.deepEqual(external, Object.keys(manifest.dependencies).sort());
  const files = readdirSync(out, { recursive: true, encoding: 'utf8' });
  assert.ok(files.includes(join('cli', 'main.js')) && files.includes(join('cli', 'main.js.map')), 'the CLI with its source map');
  assert.ok(files.includes('group-launcher.mjs'));
  assert.ok(files.includes('postgres-server.mjs'), 'the local PostgreSQL server');
  assert.ok(files.includes('ambassador.mjs'), 'the ambassador');
  assert.ok(files.includes(join('dashboard', 'dashboard.js')) && files.includes(join('dashboard', 'dashboard.css')), "the dashboard's browser code, which the daemon serves");
  for (const file of files.filter((f) => f.endsWith('.js') || f.endsWith('.mjs'))) {
    // Nothing that needs a TypeScript loader or the repository around it.
    assert.doesNotMatch(readFileSync(join(out, file), 'utf8'), /from\s*["'][^"']*\.ts["']|import\(["'][^"']*\.ts["']\)/, `${file} imports a .ts module`);
  }
});

test('the dev-time tools are optional peers, never dependencies', () => {
  for (const tool of ['@bufbuild/buf', '@bufbuild/protoc-gen-es', 'tsx']) {
    assert.equal(manifest.dependencies[tool], undefined, tool);
    assert.ok(manifest.peerDependencies[tool] !== undefined && manifest.peerDependenciesMeta[tool]?.optional === true, `${tool} is an optional peer`);
  }
});
