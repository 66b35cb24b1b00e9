// Test helper: a workspace on disk as npm, pnpm or yarn installed it, from fixtures/<format>/
// (the tool's own lockfile and the node_modules layout it left). Each package gets an index.js
// exporting `{ id: 'name@version', deps: { dep: 'dep@version' } }`, the versions node finds for
// its dependencies from where it lies, so a copy of it can be checked by running it.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const FORMATS = ['npm', 'pnpm-v6', 'pnpm-v9', 'yarn-v1', 'yarn-berry'] as const;
export type Format = (typeof FORMATS)[number];

interface Layout {
  readonly packages: Record<string, { name: string; version: string; dependencies?: Record<string, string>; optionalDependencies?: Record<string, string>; peerDependencies?: Record<string, string> }>;
  readonly links: Record<string, string>;
}

const FIXTURES = new URL('./fixtures/', import.meta.url).pathname;

export function fixtureWorkspace(format: Format): { readonly root: string; cleanup(): void } {
  const root = mkdtempSync(join(tmpdir(), `bricks-lock-${format}-`));
  cpSync(join(FIXTURES, format), root, { recursive: true, filter: (src) => !src.endsWith('layout.json') });
  const write = (path: string, text: string): void => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  write('package.json', JSON.stringify({ name: 'fixture', private: true, workspaces: ['app', 'lib'] }));
  write('app/package.json', JSON.stringify({ name: 'app', version: '1.0.0' }));
  write('lib/package.json', JSON.stringify({ name: 'lib', version: '1.0.0' }));
  if (format.startsWith('pnpm')) write('pnpm-workspace.yaml', 'packages:\n  - app\n  - lib\n');
  const layout = JSON.parse(readFileSync(join(FIXTURES, format, 'layout.json'), 'utf8')) as Layout;
  for (const [dir, pkg] of Object.entries(layout.packages)) {
    write(`${dir}/package.json`, JSON.stringify(pkg));
    const deps = Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies, ...pkg.peerDependencies });
    write(`${dir}/index.js`, `module.exports = { id: ${JSON.stringify(`${pkg.name}@${pkg.version}`)}, deps: { ${deps.map((d) => `${JSON.stringify(d)}: require(${JSON.stringify(d)}).id`).join(', ')} } };\n`);
  }
  for (const [at, target] of Object.entries(layout.links)) {
    mkdirSync(dirname(join(root, at)), { recursive: true });
    symlinkSync(target, join(root, at));
  }
  return { root, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
