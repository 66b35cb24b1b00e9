// `bricks dev`: a source change rolls just the service it reaches; Ctrl-C stops the stack.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { alive, BIN, until } from './helpers/bricks.ts';
import type { Project } from './helpers/bricks.ts';
import { releaseProject } from './helpers/release-project.ts';

/** Edits api's source (not even committed: dev deploys the work tree as it is) and waits until it answers as edited. */
async function editApi(p: Project, address: string): Promise<void> {
  const src = join(p.dir, 'services', 'api.mjs');
  writeFileSync(src, readFileSync(src, 'utf8').replace('process.env.VERSION = "1";', 'process.env.VERSION = "edited";'));
  await until('the edit rolled out', async () => {
    const r = await fetch(`${address}/`).catch(() => null);
    return r !== null && ((await r.json()) as { version: string }).version === 'edited';
  }, 60_000);
}

interface Dev {
  readonly process: ChildProcess;
  /** Everything it printed so far, both streams. */
  out(): string;
}

/** `bricks dev` in the project, killed at the end (its output printed if the test failed), once it watches. */
async function startDev(t: TestContext, p: Project): Promise<Dev> {
  const child = spawn(process.execPath, [BIN, 'dev'], { cwd: p.dir, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  t.after(() => child.kill('SIGKILL'));
  t.after(() => {
    if (process.exitCode !== 0) console.log(`bricks dev said:\n${out}`);
  });
  await until('dev watching', () => out.includes('watching for changes'), 90_000);
  return { process: child, out: () => out };
}

test('bricks dev rebuilds and rolls only the changed service, and Ctrl-C stops everything', { timeout: 180_000 }, async (t) => {
  const p = releaseProject(t);
  const dev = await startDev(t, p);
  const before = await p.ps();
  const api = before.services.find((s) => s.name === 'api')!;
  const other = before.services.find((s) => s.name === 'other')!;

  await editApi(p, api.address);
  await until('dev reported the deploy', () => /deployed release #\d+ .*rolled api/.test(dev.out()), 30_000);
  const after = await p.ps();
  assert.deepEqual(
    after.services.find((s) => s.name === 'other')!.replicas.map((r) => r.pid),
    other.replicas.map((r) => r.pid),
    'the other service kept its processes',
  );

  const daemon = p.daemonPid()!;
  dev.process.kill('SIGINT');
  await until('dev exits', () => dev.process.exitCode !== null, 60_000);
  await until('the daemon stopped', () => !alive(daemon), 30_000);
  for (const s of after.services) for (const r of s.replicas) assert.ok(!alive(r.pid!), `${r.name} stopped`);
});

test('bricks dev where git does not ignore .bricks/: one release per real change, and a note to ignore it', { timeout: 180_000 }, async (t) => {
  // `other` runs in place (a shell command bricks does not bundle), so its digest is made from the
  // files git lists in its folder: the project's root, where .bricks/ is.
  const p = releaseProject(t, '', { ignoreState: false });
  p.write('bricks.yaml', readFileSync(p.file, 'utf8').replace('run: node services/other.mjs', 'run: ["sh", "-c", "exec node services/other.mjs"]'));
  p.git('commit', '-qam', 'other runs in place');
  const dev = await startDev(t, p);
  assert.match(dev.out(), /note: git does not ignore \.bricks\/.*echo '\.bricks\/' >> \.gitignore/);
  const api = (await p.ps()).services.find((s) => s.name === 'api')!;

  const releases = async (): Promise<{ id: number; changes: string[] }[]> => {
    const r = await p.bricks('history', '--json');
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as { releases: { release: { id: number }; changes: { name: string }[] }[] };
    return doc.releases.map((e) => ({ id: e.release.id, changes: e.changes.map((c) => c.name) }));
  };
  /** Six of dev's polls with traffic (log lines) and its own release files landing in .bricks/. */
  const idle = async (expected: number): Promise<void> => {
    for (const deadline = Date.now() + 3000; Date.now() < deadline; ) {
      await fetch(`${api.address}/`).then((r) => r.arrayBuffer());
      assert.equal((await releases()).length, expected, `still ${expected} release(s):\n${dev.out()}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };
  await idle(1);

  await editApi(p, api.address);
  await idle(2);
  // `other` changes with the edit too: every file in its folder is its input, but not .bricks/.
  assert.deepEqual((await releases()).map((r) => r.changes), [['api', 'other'], ['api', 'other']]);
  assert.doesNotMatch(dev.out(), /no service changed/);
});
