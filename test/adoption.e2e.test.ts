// Adoption end to end: a team starts a bricks project in a repository of its own, as a new user
// would, from the packages as npm would publish them. The packed CLI (installed into a prefix of
// its own) runs `bricks init` against the tarballs; the project is installed with npm, pnpm and
// yarn (engines enforced where the manager can: it must install on the Node bricks supports), in a
// developer's environment (no CI=true, under which pnpm and yarn refuse to write a first
// lockfile); `bricks gen` writes its code; `bricks up -d` makes every replica ready, from the
// sources and as a release; a Connect JSON call and a stock grpc-js call answer through the
// service address; the project's own test passes; `bricks down` leaves no process. Then the
// packed CLI runs from a read-only install directory. Both packages are packed once for the file.
import assert from 'node:assert/strict';
import { chmodSync, chownSync, existsSync, lchownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { alive, cleanUpAfter, Project } from './helpers/bricks.ts';
import type { CliResult, PsDoc } from './helpers/bricks.ts';
import { expectOk, findTool, grpcSayHello, listing, packPackages, run, userEnv } from './helpers/packed.ts';
import type { Tarballs } from './helpers/packed.ts';

/** nobody: what root drops to, so that a directory without write bits really is read-only. */
const NOBODY = 65534;
const GIT_USER = ['-c', 'user.name=adopter', '-c', 'user.email=adopter@bricks.invalid'];

type Bricks = (...args: string[]) => Promise<CliResult>;

describe('adoption: a new project outside the repository, from the packed packages', { concurrency: false }, () => {
  let work = '';
  let packs: Tarballs;
  let prefix = '';
  let cli = '';

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'bricks-adopt-'));
    // Others (nobody, in the read-only test) may pass through it; only we write here.
    chmodSync(work, 0o755);
    mkdirSync(join(work, 'packs'));
    packs = await packPackages(join(work, 'packs'));
    // The CLI as a team might install it for everyone: from the tarball, into a prefix of its own.
    prefix = join(work, 'cli');
    expectOk('npm install of the packed CLI', await run('npm', ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--engine-strict', packs.bricks], { cwd: work }));
    cli = join(prefix, 'node_modules', '.bin', 'bricks');
  });

  after(() => {
    if (prefix !== '' && existsSync(prefix)) makeWritable(prefix);
    if (work !== '') rmSync(work, { recursive: true, force: true });
  });

  /** `bricks init` by the packed CLI, into a folder of `work`, cleaned up (processes too) after the test. */
  async function init(t: TestContext, name: string, template: string, opts: { uid?: number } = {}): Promise<Project> {
    const dir = join(work, name);
    if (opts.uid !== undefined) {
      mkdirSync(dir);
      chownSync(dir, opts.uid, opts.uid);
    }
    const r = expectOk('bricks init', await run(cli, ['init', dir, '--template', template, '--tarballs', packs.dir], { cwd: work, ...asUser(opts.uid) }));
    assert.match(r.stdout, new RegExp(`created ${name} in ${name}`));
    const p = new Project(dir);
    cleanUpAfter(t, p);
    return p;
  }

  /** `bricks up -d`, every replica ready, both calls answered, `bricks down`, and no process left. */
  async function servesAndStops(p: Project, bricks: Bricks, mode: string, whileUp?: () => Promise<void>): Promise<void> {
    expectOk(`bricks up -d (${mode})`, await bricks('up', '-d', '--wait', '90'));
    const doc = JSON.parse(expectOk('bricks ps --json', await bricks('ps', '--json')).stdout) as PsDoc;
    const greeter = doc.services.find((s) => s.name === 'greeter');
    assert.ok(greeter, `greeter runs (${mode})`);
    assert.equal(greeter.replicas.length, 2);
    assert.ok(greeter.replicas.every((r) => r.ready), `every replica ready (${mode})`);
    const json = await fetch(`${greeter.address}/hello.v1.GreeterService/SayHello`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Ada' }),
    });
    assert.equal(json.status, 200);
    assert.deepEqual(await json.json(), { message: 'Hello, Ada!' }, `Connect JSON (${mode})`);
    assert.equal(await grpcSayHello(greeter.address, 'Grace'), 'Hello, Grace!', `grpc-js (${mode})`);
    await whileUp?.();
    await downLeavesNothing(p, bricks, doc);
  }

  async function downLeavesNothing(p: Project, bricks: Bricks, doc: PsDoc): Promise<void> {
    const pids = [...doc.services.flatMap((s) => s.replicas.map((r) => r.pid)), p.daemonPid()].filter((x): x is number => x !== null);
    assert.ok(pids.length >= 2);
    expectOk('bricks down', await bricks('down'));
    for (const pid of pids) assert.ok(!alive(pid), `pid ${pid} is gone after down`);
  }

  /** The project's own steps every package manager shares: plain node imports the SDK, gen writes the code, the test passes. */
  async function projectBasics(p: Project, bricks: Bricks, runScript: (script: string) => Promise<CliResult>): Promise<void> {
    const imported = expectOk('plain node imports @bricks/sdk', await run(process.execPath, ['--input-type=module', '-e', "const m = await import('@bricks/sdk'); console.log(typeof m.serve)"], { cwd: p.dir }));
    assert.equal(imported.stdout.trim(), 'function');
    const generated = join(p.dir, 'gen', 'hello', 'v1', 'greeter_pb.ts');
    rmSync(join(p.dir, 'gen'), { recursive: true });
    assert.match(expectOk('bricks gen', await bricks('gen')).stdout, /^wrote gen\/hello\/v1\/greeter_pb\.ts$/m);
    assert.match(readFileSync(generated, 'utf8'), /export const GreeterService: GenService</);
    const test = expectOk('the project\'s test', await runScript('test'));
    assert.match(test.stdout, /^# pass 1$/m);
    assert.match(test.stdout, /^# fail 0$/m);
  }

  async function commit(p: Project, uid?: number): Promise<void> {
    expectOk('git init', await run('git', ['init', '-q'], { cwd: p.dir, ...asUser(uid) }));
    expectOk('git add', await run('git', ['add', '-A'], { cwd: p.dir, ...asUser(uid) }));
    expectOk('git commit', await run('git', [...GIT_USER, 'commit', '-qm', 'start'], { cwd: p.dir, ...asUser(uid) }));
  }

  /**
   * The project's own bricks, as `npx bricks` or `pnpm exec bricks` finds it, without the package
   * manager's own start (over a second a command on a busy machine).
   */
  function installed(p: Project): Bricks {
    return (...args) => run(join(p.dir, 'node_modules', '.bin', 'bricks'), args, { cwd: p.dir });
  }

  /** How to run as `uid` (nobody, for root): its own HOME, since nobody's does not exist. */
  function asUser(uid: number | undefined): { uid?: number; gid?: number; env?: Record<string, string> } {
    if (uid === undefined) return {};
    const home = join(work, `home-${uid}`);
    if (!existsSync(home)) {
      mkdirSync(home);
      chownSync(home, uid, uid);
    }
    return { uid, gid: uid, env: userEnv({ HOME: home }) };
  }

  it('npm: init, install, gen, up from the sources and as a release, both calls, the test, down', { timeout: 420_000 }, async (t) => {
    const p = await init(t, 'shop-npm', 'sdk');
    const bricks = installed(p);
    expectOk('npm install', await run('npm', ['install', '--no-audit', '--no-fund', '--engine-strict'], { cwd: p.dir }));
    await projectBasics(p, bricks, (script) => run('npm', ['run', script], { cwd: p.dir }));
    // The README's first steps, word for word and before any git: the services run from their TypeScript.
    const npx: Bricks = (...args) => (args[0] === 'up' ? run('npx', ['bricks', ...args], { cwd: p.dir }) : bricks(...args));
    await servesAndStops(p, npx, 'from the sources');
    // A team's repository: every `up` is a release of bundles run by plain node.
    await commit(p);
    await servesAndStops(p, bricks, 'as a release', async () => {
      const history = JSON.parse(expectOk('bricks history', await bricks('history', '--json')).stdout) as { releases: unknown[] };
      assert.equal(history.releases.length, 1, 'one release, of the commit');
    });
  });

  it('pnpm: init, install, gen, up as a release, both calls, the test, down', { timeout: 420_000 }, async (t) => {
    const pnpm = packageManager(t, 'pnpm', 'BRICKS_TEST_PNPM', 'pnpm@10');
    if (pnpm === null) return;
    const p = await init(t, 'shop-pnpm', 'sdk');
    const bricks = installed(p);
    expectOk('pnpm install', await run(pnpm, ['install', '--config.engine-strict=true'], { cwd: p.dir, timeoutMs: 300_000 }));
    assert.ok(existsSync(join(p.dir, 'node_modules', '.pnpm')), "pnpm's own layout: links into its store");
    assert.ok(existsSync(join(p.dir, 'pnpm-lock.yaml')));
    await projectBasics(p, bricks, (script) => run(pnpm, ['run', script], { cwd: p.dir }));
    await commit(p);
    await servesAndStops(p, bricks, 'as a release, pnpm layout');
  });

  it('yarn: init, install, gen, the test, up as a release, both calls, down', { timeout: 420_000 }, async (t) => {
    const yarn = packageManager(t, 'yarn', 'BRICKS_TEST_YARN', '@yarnpkg/cli-dist@4');
    if (yarn === null) return;
    const p = await init(t, 'shop-yarn', 'sdk');
    // Yarn 2 and later install into node_modules by the project's .yarnrc.yml (bricks init writes it); yarn 1 always does.
    const env = userEnv({ YARN_ENABLE_TELEMETRY: '0' });
    expectOk('yarn install', await run(yarn, ['install'], { cwd: p.dir, env, timeoutMs: 300_000 }));
    assert.ok(existsSync(join(p.dir, 'yarn.lock')) && existsSync(join(p.dir, 'node_modules', 'bricks')));
    const bricks = installed(p);
    await projectBasics(p, bricks, (script) => run(yarn, ['run', script], { cwd: p.dir, env }));
    await commit(p);
    await servesAndStops(p, bricks, 'as a release, yarn layout');
  });

  it('the packed CLI runs from a read-only install directory and writes nothing into it', { timeout: 300_000 }, async (t) => {
    const root = process.getuid?.() === 0;
    // As root every directory is writable, whatever its mode: run as nobody instead.
    const uid = root ? NOBODY : undefined;
    if (!root) makeReadOnly(prefix);
    t.after(() => makeWritable(prefix));
    const before = listing(prefix);
    assert.ok(!readdirSync(join(prefix, 'node_modules', 'bricks')).includes('src'), 'an installed bricks has no sources');
    const version = expectOk('bricks --version', await run(cli, ['--version'], { cwd: work, ...asUser(uid) }));
    assert.equal(version.stdout.trim(), (JSON.parse(readFileSync(join(prefix, 'node_modules', 'bricks', 'package.json'), 'utf8')) as { version: string }).version);

    const p = await init(t, 'web-readonly', 'http', { uid });
    // In an x-bricks.group, so its replicas run the installed package's own group launcher (dist/).
    p.write('bricks.yaml', readFileSync(p.file, 'utf8').replace('      health: { ready: /readyz, live: /healthz }', '      health: { ready: /readyz, live: /healthz }\n      group: edge'));
    // Installed as its team would (by root here, for npm's cache), then the project is nobody's.
    expectOk('npm install', await run('npm', ['install', '--no-audit', '--no-fund', '--engine-strict'], { cwd: p.dir }));
    if (uid !== undefined) chownTree(p.dir, uid);
    const bricks: Bricks = (...args) => run(cli, args, { cwd: p.dir, ...asUser(uid) });
    await commit(p, uid);
    expectOk('bricks up -d from the read-only install', await bricks('up', '-d', '--wait', '90'));
    const doc = JSON.parse(expectOk('bricks ps --json', await bricks('ps', '--json')).stdout) as PsDoc;
    const edge = doc.services.find((s) => s.name === 'edge') as (PsDoc['services'][number] & { members: { name: string; address: string }[] }) | undefined;
    assert.ok(edge !== undefined && edge.replicas.length === 2 && edge.replicas.every((r) => r.ready), JSON.stringify(doc));
    assert.deepEqual(edge.members.map((m) => m.name), ['web']);
    assert.deepEqual(await (await fetch(`${edge.members[0]!.address}/hello?name=Ada`)).json(), { message: 'Hello, Ada!' });
    await downLeavesNothing(p, bricks, doc);
    assert.deepEqual(listing(prefix), before, 'nothing in the install directory was added or changed');
  });
});

/**
 * pnpm or yarn from BRICKS_TEST_* or PATH. Required under CI=true (.ci/run installs both); elsewhere
 * the test is skipped, saying how to get the tool.
 */
function packageManager(t: TestContext, name: string, variable: string, pkg: string): string | null {
  const found = findTool(name, variable);
  if (found !== null) return found;
  assert.notEqual(process.env.CI, 'true', `CI=true needs ${name}: .ci/run installs it and sets ${variable}`);
  t.skip(`${name} is not on PATH (or ${variable}): \`npm install --prefix /tmp/tools ${pkg}\` and ${variable}=/tmp/tools/node_modules/.bin/${name}`);
  return null;
}

function chownTree(dir: string, uid: number): void {
  chownSync(dir, uid, uid);
  for (const rel of readdirSync(dir, { recursive: true, encoding: 'utf8' })) lchownSync(join(dir, rel), uid, uid);
}

/** Write bits off (executables stay executable), or back on for the owner. */
function makeReadOnly(dir: string): void {
  walk(dir, (path) => chmodSync(path, statSync(path).mode & 0o7555));
}

function makeWritable(dir: string): void {
  walk(dir, (path) => chmodSync(path, statSync(path).mode | 0o200));
}

/** Every file and directory under `dir` (symbolic links left alone), each directory after its entries. */
function walk(dir: string, visit: (path: string) => void): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    if (e.isDirectory()) walk(path, visit);
    else if (e.isFile()) visit(path);
  }
  visit(dir);
}
