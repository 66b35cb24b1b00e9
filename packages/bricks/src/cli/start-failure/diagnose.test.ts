// The advice for each stumble a new project meets, read from the output Node, tsx and esbuild
// really print (captured on Node 20 with tsx 4 and esbuild 0.28).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { diagnose } from './diagnose.ts';
import { explainBuildError, explainOutput } from './explain.ts';

function project(t: TestContext, manifest: Record<string, unknown>, lockfile = 'package-lock.json'): string {
  const dir = mkdtempSync(join(tmpdir(), 'bricks-diagnose-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest));
  writeFileSync(join(dir, lockfile), '{}');
  mkdirSync(join(dir, 'src'));
  return dir;
}

const tsxTopLevelAwait = (dir: string): string[] => [
  'node:internal/modules/run_main:123',
  '    triggerUncaughtException(',
  'Error: Transform failed with 1 error:',
  `${dir}/src/main.ts:6:0: ERROR: Top-level await is currently not supported with the "cjs" output format`,
  `    at failureErrorWithLog (${dir}/node_modules/esbuild/lib/main.js:1752:15)`,
  "  name: 'TransformError',",
  "  code: 'ERR_REQUIRE_ASYNC_MODULE'",
];

test('top-level await under a package.json without "type": "module" (npm init\'s default)', (t) => {
  const dir = project(t, { name: 'x' });
  const [hint] = diagnose(tsxTopLevelAwait(dir), dir);
  assert.equal(hint?.kind, 'module-format');
  assert.match(hint?.advice ?? '', /^package\.json has no "type": "module", so src\/main\.ts is loaded as CommonJS.*add "type": "module" to package\.json/);
});

test('require() in an ES module, and an ES module require()d', (t) => {
  const dir = project(t, { name: 'x', type: 'module' });
  const [inEsm] = diagnose([`file://${dir}/src/y.js:1`, "const x = require('fs');", 'ReferenceError: require is not defined in ES module scope, you can use import instead'], dir);
  assert.equal(inEsm?.kind, 'module-format');
  assert.match(inEsm?.advice ?? '', /src\/y\.js uses require in an ES module: use `import` instead, or rename the file to \.cjs/);
  const [ofEsm] = diagnose([`Error [ERR_REQUIRE_ESM]: require() of ES Module ${dir}/node_modules/p/index.js from ${dir}/src/a.cjs not supported.`], dir);
  assert.equal(ofEsm?.kind, 'module-format');
});

test('TypeScript without a loader: a package that ships .ts, or the service itself', (t) => {
  const dir = project(t, { name: 'x', type: 'module' });
  const [dep] = diagnose([`TypeError [ERR_UNKNOWN_FILE_EXTENSION]: Unknown file extension ".ts" for ${dir}/node_modules/@bricks/sdk/src/index.ts`], dir);
  assert.equal(dep?.kind, 'typescript-without-loader');
  assert.match(dep?.advice ?? '', /^@bricks\/sdk ships TypeScript sources .*built to JavaScript/);
  const [own] = diagnose([`TypeError [ERR_UNKNOWN_FILE_EXTENSION]: Unknown file extension ".ts" for ${dir}/src/main.ts`], dir);
  assert.match(own?.advice ?? '', /node ran src\/main\.ts without a TypeScript loader: start it with `node --import tsx src\/main\.ts`/);
});

test('generated code that was never generated, at start (node) and at build (esbuild)', (t) => {
  const dir = project(t, { name: 'x', type: 'module' });
  const [atStart] = diagnose([`Error [ERR_MODULE_NOT_FOUND]: Cannot find module '${dir}/gen/hello/v1/greeter_pb.ts' imported from ${dir}/src/greeter.ts`], dir);
  assert.equal(atStart?.kind, 'missing-generated');
  assert.equal(atStart?.advice, `gen/hello/v1/greeter_pb.ts is generated code that is not there: run \`bricks gen\` in ${dir} (it writes gen/ from proto/), and commit what it writes`);
  const atBuild = explainBuildError(`1 of 1 services failed to build\ngreeter: ${dir}/src/greeter.ts:4:32: Could not resolve "../gen/hello/v1/greeter_pb.ts"`, dir);
  assert.match(atBuild, /\nwhat to do: gen\/hello\/v1\/greeter_pb\.ts is generated code that is not there: run `bricks gen`/);
});

test('a package that is not installed: install it, or add it, with the workspace package manager', (t) => {
  const npm = project(t, { name: 'x', type: 'module', dependencies: { '@bricks/sdk': '^0.1.0' } });
  const [listed] = diagnose([`Error [ERR_MODULE_NOT_FOUND]: Cannot find package '@bricks/sdk' imported from ${npm}/src/main.ts`], npm);
  assert.equal(listed?.kind, 'missing-dependency');
  assert.equal(listed?.advice, `@bricks/sdk is in package.json but not installed: run \`npm install\` in ${npm}`);
  const pnpm = project(t, { name: 'x', type: 'module' }, 'pnpm-lock.yaml');
  const unlisted = explainBuildError(`greeter: ${pnpm}/src/main.ts:3:23: Could not resolve "zod/mini"`, pnpm);
  assert.match(unlisted, /what to do: the package zod is not installed: add it with `pnpm add zod` in /);
  const [cjs] = diagnose(["Error: Cannot find module 'left-pad'", 'Require stack:'], pnpm);
  assert.equal(cjs?.kind, 'missing-dependency');
});

test('output with no known cause gets no advice; the explanation still shows the last lines, frames folded', (t) => {
  const dir = project(t, { name: 'x' });
  assert.deepEqual(diagnose(['Error: connect ECONNREFUSED 127.0.0.1:5432', '    at TCPConnectWrap.afterConnect'], dir), []);
  const line = (replica: string, text: string, time: number) => ({ time, service: 'greeter', replica, stream: 'stderr' as const, line: text });
  const text = explainOutput(
    [line('greeter.1', 'old replica', 1), ...tsxTopLevelAwait(dir).map((l, i) => line('greeter.2', l, 10 + i)), line('greeter.2', '', 30)],
    dir,
  );
  assert.match(text, /^greeter\.2 printed, last:\n/);
  assert.doesNotMatch(text, /old replica/, 'the last replica only');
  assert.match(text, /\|\s+… 1 stack frame\n/);
  assert.match(text, /what to do: package\.json has no "type": "module"/);
});

test('a build that misses several things gets advice for each, once', (t) => {
  const dir = project(t, { name: 'x', type: 'module', dependencies: { '@bricks/sdk': '^0.1.0' } });
  const text = explainBuildError(
    [
      '1 of 1 services failed to build',
      `greeter: ${dir}/src/greeter.ts:3:40: Could not resolve "@bricks/sdk"`,
      `${dir}/src/greeter.ts:4:32: Could not resolve "../gen/hello/v1/greeter_pb.ts"`,
      `${dir}/src/main.ts:3:23: Could not resolve "@bricks/sdk"`,
    ].join('\n'),
    dir,
  );
  assert.deepEqual(
    text.split('\n').filter((l) => l.startsWith('what to do:')).map((l) => /^what to do: (\S+)/.exec(l)?.[1]),
    ['@bricks/sdk', 'gen/hello/v1/greeter_pb.ts'],
  );
});
