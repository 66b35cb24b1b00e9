// Test helpers: a service as the parser gives it, and a tiny workspaces monorepo on disk
// (two services, a workspace package, a plain npm package and one that must stay external),
// installed as npm 7+ installs it (hoisted, with its package-lock.json) or as pnpm does (a
// store of folders linked into each package's node_modules, with pnpm-lock.yaml). Tests only.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import type { Service, Stack } from '../stack/model.ts';
import { serviceFrom, stackOf } from '../stack/testing/stacks.ts';

/** A bare service as loading `services: { <name>: { working_dir } }` gives it, with overrides. */
export function fakeService(name: string, workingDir: string, overrides: Partial<Service> = {}): Service {
  return { ...serviceFrom(name, { working_dir: workingDir }), ...overrides };
}

export function fakeStack(dir: string, services: readonly Service[]): Stack {
  return stackOf(dir, services);
}

export interface Monorepo {
  readonly root: string;
  readonly outDir: string;
  write(path: string, contents: string): void;
  stack(overrides?: { alpha?: Partial<Service>; beta?: Partial<Service>; extra?: readonly Service[] }): Stack;
  cleanup(): void;
}

const FILES: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'fixture', private: true, type: 'module', workspaces: ['packages/*', 'services/*'] }),
  'packages/shared/package.json': JSON.stringify({ name: '@fx/shared', version: '1.0.0', type: 'module', exports: { '.': './src/index.ts' } }),
  'packages/shared/src/index.ts': "export function greet(who: string): string {\n  return `hello ${who}`;\n}\n",
  'tsconfig.base.json': JSON.stringify({ compilerOptions: { strict: true } }),
  'services/alpha/tsconfig.json': JSON.stringify({ extends: '../../tsconfig.base', include: ['src'] }),
  'services/alpha/package.json': JSON.stringify({ name: 'alpha', version: '1.0.0', type: 'module' }),
  'services/alpha/src/main.ts': [
    "import { greet } from '@fx/shared';",
    "import pad from 'tiny-pad';",
    "import { payload } from 'wasm-ish';",
    "const extra: string = process.argv[2] ?? '';",
    'console.log(JSON.stringify({ greet: greet(pad("alpha")), payload: payload(), extra, port: process.env.PORT ?? null }));',
    '',
  ].join('\n'),
  'services/beta/package.json': JSON.stringify({ name: 'beta', version: '1.0.0', type: 'module' }),
  'services/beta/src/main.ts': "import pad from 'tiny-pad';\nconsole.log(pad('beta'));\n",
  'node_modules/tiny-pad/package.json': JSON.stringify({ name: 'tiny-pad', version: '2.0.0', main: 'index.js' }),
  // CommonJS on purpose: the ESM bundle must still load it.
  'node_modules/tiny-pad/index.js': "module.exports = function pad(s) { return '[' + s + ']'; };\n",
  'node_modules/wasm-ish/package.json': JSON.stringify({ name: 'wasm-ish', version: '0.3.0', type: 'module', exports: './index.js', dependencies: { 'wasm-ish-helper': '^1.0.0' } }),
  // Reads a data file next to its JS at run time: a bundle would lose it, so it stays external.
  'node_modules/wasm-ish/index.js': [
    "import { readFileSync } from 'node:fs';",
    "import { suffix } from 'wasm-ish-helper';",
    "export function payload() { return readFileSync(new URL('./blob.wasm', import.meta.url), 'utf8').trim() + suffix; }",
    '',
  ].join('\n'),
  'node_modules/wasm-ish/blob.wasm': 'not really wasm\n',
  'node_modules/wasm-ish-helper/package.json': JSON.stringify({ name: 'wasm-ish-helper', version: '1.0.1', type: 'module', exports: './index.js' }),
  'node_modules/wasm-ish-helper/index.js': "export const suffix = '!';\n",
  'package-lock.json': JSON.stringify({
    name: 'fixture',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: 'fixture', workspaces: ['packages/*', 'services/*'] },
      'node_modules/@fx/shared': { resolved: 'packages/shared', link: true },
      'node_modules/alpha': { resolved: 'services/alpha', link: true },
      'node_modules/beta': { resolved: 'services/beta', link: true },
      'node_modules/tiny-pad': { version: '2.0.0', integrity: 'sha512-tinypad200' },
      'node_modules/wasm-ish': { version: '0.3.0', integrity: 'sha512-wasmish030', dependencies: { 'wasm-ish-helper': '^1.0.0' } },
      'node_modules/wasm-ish-helper': { version: '1.0.1', integrity: 'sha512-helper101' },
      'packages/shared': { name: '@fx/shared', version: '1.0.0' },
      'services/alpha': { name: 'alpha', version: '1.0.0' },
      'services/beta': { name: 'beta', version: '1.0.0' },
    },
  }),
};

/** The same packages as pnpm 9 records them (integrities as in the npm lockfile above). */
const PNPM_LOCK = `lockfileVersion: '9.0'

importers:

  .: {}

  packages/shared: {}

  services/alpha:
    dependencies:
      '@fx/shared':
        specifier: workspace:*
        version: link:../../packages/shared
      tiny-pad:
        specifier: ^2.0.0
        version: 2.0.0
      wasm-ish:
        specifier: ^0.3.0
        version: 0.3.0

  services/beta:
    dependencies:
      tiny-pad:
        specifier: ^2.0.0
        version: 2.0.0

packages:

  tiny-pad@2.0.0:
    resolution: {integrity: sha512-tinypad200}

  wasm-ish-helper@1.0.1:
    resolution: {integrity: sha512-helper101}

  wasm-ish@0.3.0:
    resolution: {integrity: sha512-wasmish030}

snapshots:

  tiny-pad@2.0.0: {}

  wasm-ish-helper@1.0.1: {}

  wasm-ish@0.3.0:
    dependencies:
      wasm-ish-helper: 1.0.1
`;

const VERSIONS: Record<string, string> = { 'tiny-pad': '2.0.0', 'wasm-ish': '0.3.0', 'wasm-ish-helper': '1.0.1' };

/** Where pnpm keeps a package's files: `node_modules/.pnpm/<name>@<version>/node_modules/<name>`. */
function pnpmStore(name: string): string {
  return `node_modules/.pnpm/${name}@${VERSIONS[name]!}/node_modules/${name}`;
}

export function makeMonorepo(layout: 'npm' | 'pnpm' = 'npm'): Monorepo {
  const root = mkdtempSync(join(tmpdir(), 'bricks-build-'));
  const write = (path: string, contents: string): void => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), contents);
  };
  const link = (target: string, at: string): void => {
    mkdirSync(dirname(join(root, at)), { recursive: true });
    symlinkSync(relative(dirname(join(root, at)), join(root, target)), join(root, at));
  };
  if (layout === 'npm') {
    for (const [path, contents] of Object.entries(FILES)) write(path, contents);
    link('packages/shared', 'node_modules/@fx/shared');
    link('services/alpha', 'node_modules/alpha');
    link('services/beta', 'node_modules/beta');
  } else {
    for (const [path, contents] of Object.entries(FILES)) {
      if (path === 'package-lock.json') continue;
      const name = /^node_modules\/([^/]+)\//.exec(path)?.[1];
      write(name === undefined ? path : `${pnpmStore(name)}${path.slice(`node_modules/${name}`.length)}`, contents);
    }
    write('pnpm-workspace.yaml', 'packages:\n  - packages/*\n  - services/*\n');
    write('pnpm-lock.yaml', PNPM_LOCK);
    // Each package sees only what it depends on: nothing is hoisted to the root.
    link('packages/shared', 'services/alpha/node_modules/@fx/shared');
    link(pnpmStore('tiny-pad'), 'services/alpha/node_modules/tiny-pad');
    link(pnpmStore('wasm-ish'), 'services/alpha/node_modules/wasm-ish');
    link(pnpmStore('tiny-pad'), 'services/beta/node_modules/tiny-pad');
    link(pnpmStore('wasm-ish-helper'), 'node_modules/.pnpm/wasm-ish@0.3.0/node_modules/wasm-ish-helper');
  }
  const outDir = join(root, '.bricks/artifacts');
  return {
    root,
    outDir,
    write,
    stack(overrides = {}) {
      return fakeStack(root, [
        fakeService('alpha', join(root, 'services/alpha'), {
          run: { kind: 'argv', argv: ['node', '--import', 'tsx', 'src/main.ts', 'from-args'] },
          ...overrides.alpha,
        }),
        fakeService('beta', join(root, 'services/beta'), { run: { kind: 'shell', script: 'tsx src/main.ts' }, ...overrides.beta }),
        ...(overrides.extra ?? []),
      ]);
    },
    cleanup() {
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Makes the fixture a git repository with everything committed. */
export function gitInit(dir: string): void {
  const git = (...args: string[]): void => {
    execFileSync('git', args, { cwd: dir, stdio: 'ignore' });
  };
  git('init', '-q');
  git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'add', '-A');
  git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-q', '-m', 'fixture');
}
