// A real build of a tiny two-service monorepo: digests move only with what a service reaches,
// unchanged rebuilds reuse artifacts, and an artifact runs with plain node away from the repo.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { BuildError, buildStack, readManifest } from './index.ts';
import type { BuildEvent, BuildResult } from './index.ts';
import { fakeService, gitInit, makeMonorepo } from './test-fixture.ts';
import type { Monorepo } from './test-fixture.ts';

function digests(result: BuildResult): Record<string, string> {
  return Object.fromEntries(result.services.map((s) => [s.service, s.digest]));
}

function rebuilt(result: BuildResult): Record<string, boolean> {
  return Object.fromEntries(result.services.map((s) => [s.service, s.rebuilt]));
}

function fixture(t: { after: (fn: () => void) => void }): Monorepo {
  const m = makeMonorepo();
  t.after(() => m.cleanup());
  return m;
}

test('an artifact runs with plain node, away from the monorepo', async (t) => {
  const m = fixture(t);
  const result = await buildStack(m.stack(), { rootDir: m.root, outDir: m.outDir });
  const alpha = result.services.find((s) => s.service === 'alpha')!;
  assert.equal(alpha.rebuilt, true);
  assert.deepEqual(alpha.command, ['node', '--enable-source-maps', 'main.mjs', 'from-args']);
  assert.deepEqual(alpha.inputs, [
    'packages/shared/package.json',
    'packages/shared/src/index.ts',
    'services/alpha/package.json',
    'services/alpha/src/main.ts',
    'services/alpha/tsconfig.json',
    'tsconfig.base.json',
  ]);
  assert.deepEqual(alpha.packages, ['tiny-pad@2.0.0', 'wasm-ish-helper@1.0.1', 'wasm-ish@0.3.0']);

  const manifest = readManifest(alpha.dir);
  assert.equal(manifest.service, 'alpha');
  assert.equal(manifest.digest, alpha.digest);
  assert.equal(manifest.inPlace, false);
  assert.deepEqual(manifest.externals, ['wasm-ish-helper@1.0.1', 'wasm-ish@0.3.0']);
  assert.ok(!Number.isNaN(Date.parse(manifest.createdAt)));

  // Copy it where no node_modules, tsx or workspace can help it.
  const away = mkdtempSync(join(tmpdir(), 'bricks-artifact-'));
  t.after(() => rmSync(away, { recursive: true, force: true }));
  cpSync(alpha.dir, away, { recursive: true });
  const [program, ...args] = alpha.command;
  const out = execFileSync(program!, args, { cwd: away, encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', PORT: '4321' } });
  assert.deepEqual(JSON.parse(out), { greet: 'hello [alpha]', payload: 'not really wasm!', extra: 'from-args', port: '4321' });

  const beta = result.services.find((s) => s.service === 'beta')!;
  assert.equal(execFileSync('node', beta.command.slice(1), { cwd: beta.cwd, encoding: 'utf8' }).trim(), '[beta]');
  assert.equal(existsSync(join(beta.dir, 'node_modules')), false, 'beta bundles everything it uses');
});

test('digests follow exactly what each service reaches', async (t) => {
  const m = fixture(t);
  const opts = { rootDir: m.root, outDir: m.outDir };
  const first = await buildStack(m.stack(), opts);

  const events: BuildEvent[] = [];
  const again = await buildStack(m.stack(), { ...opts, onProgress: (e) => events.push(e) });
  assert.deepEqual(digests(again), digests(first));
  assert.deepEqual(rebuilt(again), { alpha: false, beta: false });
  assert.deepEqual(
    events.filter((e) => e.service === 'alpha').map((e) => e.kind),
    ['resolving', 'cached', 'done'],
    'an unchanged service is not bundled again',
  );

  // The workspace package only alpha imports.
  m.write('packages/shared/src/index.ts', "export function greet(who: string): string {\n  return `hi ${who}`;\n}\n");
  const shared = await buildStack(m.stack(), opts);
  assert.notEqual(shared.services[0]!.digest, first.services[0]!.digest);
  assert.equal(shared.services[1]!.digest, first.services[1]!.digest);
  assert.deepEqual(rebuilt(shared), { alpha: true, beta: false });

  // A tsconfig only alpha's sources use (through `extends`).
  m.write('tsconfig.base.json', JSON.stringify({ compilerOptions: { strict: true, experimentalDecorators: true } }));
  const tsconfig = await buildStack(m.stack(), opts);
  assert.notEqual(tsconfig.services[0]!.digest, shared.services[0]!.digest);
  assert.equal(tsconfig.services[1]!.digest, first.services[1]!.digest);
  m.write('tsconfig.base.json', JSON.stringify({ compilerOptions: { strict: true } }));

  // Beta's configuration only.
  const betaEnv = { beta: { environment: { GREETING: 'hey' } } };
  const config = await buildStack(m.stack(betaEnv), opts);
  assert.equal(config.services[0]!.digest, shared.services[0]!.digest);
  assert.notEqual(config.services[1]!.digest, shared.services[1]!.digest);

  // Scaling changes nothing that runs.
  const scale = (n: number) => ({ ...betaEnv, alpha: { replicas: n } });
  const two = await buildStack(m.stack(scale(2)), opts);
  const five = await buildStack(m.stack(scale(5)), opts);
  assert.deepEqual(digests(five), digests(two));
  assert.equal(five.services[1]!.digest, config.services[1]!.digest);

  // Putting the old source back gives the old digest and reuses its directory.
  m.write('packages/shared/src/index.ts', "export function greet(who: string): string {\n  return `hello ${who}`;\n}\n");
  const reverted = await buildStack(m.stack(), opts);
  assert.deepEqual(digests(reverted), digests(first));
  assert.deepEqual(rebuilt(reverted), { alpha: false, beta: false });
});

test('lockfile entries count, also for external packages and their dependencies', async (t) => {
  const m = fixture(t);
  const opts = { rootDir: m.root, outDir: m.outDir };
  const first = await buildStack(m.stack(), opts);
  const lockPath = join(m.root, 'package-lock.json');
  const lock = JSON.parse(readFileSync(lockPath, 'utf8')) as { packages: Record<string, { integrity?: string }> };

  // A dependency of the external package: only alpha reaches it.
  lock.packages['node_modules/wasm-ish-helper']!.integrity = 'sha512-helper101-republished';
  m.write('package-lock.json', JSON.stringify(lock));
  const helper = await buildStack(m.stack(), opts);
  assert.notEqual(helper.services[0]!.digest, first.services[0]!.digest);
  assert.equal(helper.services[1]!.digest, first.services[1]!.digest);

  // A bundled package both reach.
  lock.packages['node_modules/tiny-pad']!.integrity = 'sha512-tinypad200-republished';
  m.write('package-lock.json', JSON.stringify(lock));
  const pad = await buildStack(m.stack(), opts);
  assert.notEqual(pad.services[0]!.digest, helper.services[0]!.digest);
  assert.notEqual(pad.services[1]!.digest, helper.services[1]!.digest);
});

test('a pnpm workspace: packages reached through its links, named by pnpm-lock.yaml, the same digests as npm gives', async (t) => {
  const npm = fixture(t);
  const pnpm = makeMonorepo('pnpm');
  t.after(() => pnpm.cleanup());
  const fromNpm = await buildStack(npm.stack(), { rootDir: npm.root, outDir: npm.outDir });
  const first = await buildStack(pnpm.stack(), { rootDir: pnpm.root, outDir: pnpm.outDir });
  // Same sources, same package versions and integrities: whichever tool installed them.
  assert.deepEqual(digests(first), digests(fromNpm));
  const alpha = first.services.find((s) => s.service === 'alpha')!;
  assert.deepEqual(alpha.packages, ['tiny-pad@2.0.0', 'wasm-ish-helper@1.0.1', 'wasm-ish@0.3.0']);
  // The external package's dependency is found in pnpm's store and laid out beside it.
  const away = mkdtempSync(join(tmpdir(), 'bricks-artifact-'));
  t.after(() => rmSync(away, { recursive: true, force: true }));
  cpSync(alpha.dir, away, { recursive: true });
  const out = execFileSync('node', alpha.command.slice(1), { cwd: away, encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } });
  assert.equal((JSON.parse(out) as { payload: string }).payload, 'not really wasm!');

  const lockPath = join(pnpm.root, 'pnpm-lock.yaml');
  pnpm.write('pnpm-lock.yaml', readFileSync(lockPath, 'utf8').replace('sha512-helper101', 'sha512-helper101-republished'));
  const helper = await buildStack(pnpm.stack(), { rootDir: pnpm.root, outDir: pnpm.outDir });
  assert.notEqual(helper.services[0]!.digest, first.services[0]!.digest);
  assert.equal(helper.services[1]!.digest, first.services[1]!.digest);
});

test('a collected artifact directory is built again', async (t) => {
  const m = fixture(t);
  const opts = { rootDir: m.root, outDir: m.outDir };
  const first = await buildStack(m.stack(), opts);
  rmSync(first.services[1]!.dir, { recursive: true });
  const again = await buildStack(m.stack(), opts);
  assert.deepEqual(digests(again), digests(first));
  assert.deepEqual(rebuilt(again), { alpha: false, beta: true });
  assert.ok(existsSync(join(first.services[1]!.dir, 'main.mjs')));
});

test('x-bricks.entry wins over the run command, and `only` builds a subset', async (t) => {
  const m = fixture(t);
  m.write('services/beta/src/other.ts', "console.log('other');\n");
  const stack = m.stack({ beta: { bricks: { entry: 'src/other.ts' } } });
  const result = await buildStack(stack, { rootDir: m.root, outDir: m.outDir, only: ['beta'] });
  assert.deepEqual(
    result.services.map((s) => s.service),
    ['beta'],
  );
  assert.equal(execFileSync('node', ['main.mjs'], { cwd: result.services[0]!.dir, encoding: 'utf8' }).trim(), 'other');
  await assert.rejects(buildStack(stack, { rootDir: m.root, outDir: m.outDir, only: ['gamma'] }), (err: unknown) => {
    return err instanceof BuildError && err.code === 'unknown-service';
  });
});

test('a syntax error fails that service with file:line, the others still build', async (t) => {
  const m = fixture(t);
  m.write('services/beta/src/main.ts', "import pad from 'tiny-pad';\nconsole.log(pad('beta'),);\nconst = 1;\n");
  const events: BuildEvent[] = [];
  await assert.rejects(
    buildStack(m.stack(), { rootDir: m.root, outDir: m.outDir, onProgress: (e) => events.push(e) }),
    (err: unknown) => {
      assert.ok(err instanceof BuildError);
      assert.equal(err.code, 'build-failed');
      assert.equal(err.failures.length, 1);
      assert.equal(err.failures[0]!.code, 'bundle-failed');
      return true;
    },
  );
  const failed = events.find((e) => e.kind === 'failed');
  assert.ok(failed?.kind === 'failed');
  assert.equal(failed.service, 'beta');
  assert.deepEqual(failed.location, { file: join(m.root, 'services/beta/src/main.ts'), line: 3, column: 7 });
  assert.match(failed.message, /services\/beta\/src\/main\.ts:3:7: /);
  assert.ok(events.some((e) => e.kind === 'done' && e.service === 'alpha'));
});

test('an artifact\'s stack trace names the TypeScript source line and the function', async (t) => {
  const m = fixture(t);
  m.write('services/beta/src/main.ts', [
    "import pad from 'tiny-pad';",
    'class Refused extends Error {}',
    'function checkOrder(n: number): string {',
    "  if (n > 1) throw new Refused(pad('too many'));",
    "  return 'ok';",
    '}',
    'console.log(checkOrder(2));',
    '',
  ].join('\n'));
  const result = await buildStack(m.stack(), { rootDir: m.root, outDir: m.outDir, only: ['beta'] });
  const beta = result.services.find((s) => s.service === 'beta')!;
  const [program, ...args] = beta.command;
  const run = spawnSync(program!, args, { cwd: beta.cwd, encoding: 'utf8' });
  assert.notEqual(run.status, 0);
  assert.match(run.stderr, /Refused \[Error\]: \[too many\]/);
  assert.match(run.stderr, /at checkOrder \(.*services\/beta\/src\/main\.ts:4:\d+\)/);
});

test('a missing entry file is its own error', async (t) => {
  const m = fixture(t);
  const stack = m.stack({ beta: { bricks: { entry: 'src/nope.ts' } } });
  await assert.rejects(buildStack(stack, { rootDir: m.root, outDir: m.outDir, only: ['beta'] }), (err: unknown) => {
    return err instanceof BuildError && err.failures[0]?.code === 'entry-not-found';
  });
});

test('a service in another language is digested from its git files and runs in place', async (t) => {
  const m = fixture(t);
  m.write('services/py/app.py', "print('hi')\n");
  m.write('services/py/.gitignore', '__pycache__/\n');
  gitInit(m.root);
  const py = fakeService('py', join(m.root, 'services/py'), { run: { kind: 'argv', argv: ['python3', 'app.py'] } });
  const opts = { rootDir: m.root, outDir: m.outDir, only: ['py'] };
  const first = await buildStack(m.stack({ extra: [py] }), opts);
  const art = first.services[0]!;
  assert.equal(art.inPlace, true);
  assert.equal(art.cwd, join(m.root, 'services/py'));
  assert.deepEqual(art.command, ['python3', 'app.py']);
  assert.deepEqual(art.inputs, ['services/py/.gitignore', 'services/py/app.py']);
  const manifest = readManifest(art.dir);
  assert.equal(manifest.inPlace, true);
  assert.equal(manifest.workingDir, 'services/py');

  // Ignored files do not count; a new untracked file does.
  m.write('services/py/__pycache__/app.pyc', 'bytecode');
  const ignored = await buildStack(m.stack({ extra: [py] }), opts);
  assert.equal(ignored.services[0]!.digest, art.digest);
  assert.equal(ignored.services[0]!.rebuilt, false);
  // bricks' own state, which no .gitignore here names, is not an input either.
  m.write('services/py/.bricks/logs/py.log', 'a line\n');
  const state = await buildStack(m.stack({ extra: [py] }), opts);
  assert.equal(state.services[0]!.digest, art.digest, '.bricks/ is left out');
  m.write('services/py/util.py', 'X = 1\n');
  const added = await buildStack(m.stack({ extra: [py] }), opts);
  assert.notEqual(added.services[0]!.digest, art.digest);
});

test('an in-place service outside git says so', async (t) => {
  const m = fixture(t);
  const py = fakeService('py', join(m.root, 'services/beta'), { run: { kind: 'shell', script: 'python3 app.py | tee log' } });
  await assert.rejects(buildStack(m.stack({ extra: [py] }), { rootDir: m.root, outDir: m.outDir, only: ['py'] }), (err: unknown) => {
    return err instanceof BuildError && err.failures[0]?.code === 'not-git';
  });
});
