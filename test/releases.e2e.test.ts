// Releases end to end: real git SHAs, real builds, real rollouts under load.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { alive, steadyLoad, until } from './helpers/bricks.ts';
import type { PsDoc, PsService } from './helpers/bricks.ts';
import { releaseProject } from './helpers/release-project.ts';
import type { ReleaseProject } from './helpers/release-project.ts';

type Ps = PsDoc;
interface History {
  current: number | null;
  releases: { release: { id: number; sha: string; kind: string; services: Record<string, { digest: string }> }; status: string; changes: { name: string }[] }[];
}

const svc = (doc: Ps, name: string): PsService => {
  const s = doc.services.find((x) => x.name === name);
  assert.ok(s, `service ${name}`);
  return s;
};
const pids = (s: PsService): number[] => s.replicas.map((r) => r.pid!).sort();

async function history(p: ReleaseProject): Promise<History> {
  const r = await p.bricks('history', '--json');
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as History;
}

async function deploy(p: ReleaseProject, expectCode = 0): Promise<string> {
  const r = await p.bricks('deploy');
  assert.equal(r.code, expectCode, `deploy exit code\n${r.stdout}\n${r.stderr}`);
  return r.stdout + r.stderr;
}

/** Every replica of every service ready, none stopping, and nothing else around. */
async function settled(p: ReleaseProject): Promise<Ps> {
  return until('a settled stack', async () => {
    const doc = (await p.ps());
    return doc.services.every((s) => s.replicas.length === s.desired && s.replicas.every((r) => r.ready)) ? doc : undefined;
  });
}

describe('releases', { concurrency: false }, () => {
  it('deploys only what changed; the same tree twice does nothing', async (t) => {
    const p = releaseProject(t);
    const up = await p.bricks('up', '-d', '--wait', '60');
    assert.equal(up.code, 0, up.stderr);
    const first = await settled(p);
    assert.match(await deploy(p), /unchanged/);
    assert.deepEqual(pids(svc((await p.ps()), 'api')), pids(svc(first, 'api')), 'no-change deploy touched nothing');
    // A commit that no service reaches is no release either.
    writeFileSync(join(p.dir, 'NOTES.md'), 'notes\n');
    p.git('add', '-A');
    p.git('commit', '-qm', 'notes');
    assert.match(await deploy(p), /unchanged: no service changed since release #1/);

    p.setVersion('api', '2');
    const out = await deploy(p);
    assert.match(out, /deployed release #2 .*rolled api/);
    const second = await settled(p);
    assert.deepEqual(pids(svc(second, 'other')), pids(svc(first, 'other')), 'other kept its processes');
    assert.notDeepEqual(pids(svc(second, 'api')), pids(svc(first, 'api')));
    assert.notEqual(svc(second, 'api').version, svc(first, 'api').version);
    const h = await history(p);
    assert.equal(h.releases.length, 2);
    assert.deepEqual(h.releases[1]?.changes.map((c) => c.name), ['api']);
    assert.equal(h.releases[1]?.status, 'completed');
    // `down` ends the daemon too (its build tools must not keep it alive).
    const daemon = p.daemonPid()!;
    const down = await p.bricks('down', '--timeout', '20');
    assert.equal(down.code, 0, down.stderr);
    assert.ok(!alive(daemon));
  });

  it('20 consecutive deploys under constant load: 0 failed requests', async (t) => {
    const p = releaseProject(t);
    assert.equal((await p.bricks('up', '-d', '--wait', '60')).code, 0);
    const address = svc(await settled(p), 'api').address;
    let stop: () => void = () => {};
    const load = steadyLoad(address, 8, new Promise<void>((r) => (stop = r)));
    const versions = new Set<string>();
    try {
      for (let i = 2; i <= 21; i++) {
        p.setVersion('api', String(i));
        await deploy(p);
      }
    } finally {
      stop();
    }
    const result = await load;
    assert.equal(result.failed, 0, `failed: ${result.errors.slice(0, 5).join('; ')}`);
    assert.ok(result.ok > 500, `load ran: ${result.ok}`);
    for (const r of result.replicas.keys()) versions.add(r);
    const h = await history(p);
    assert.equal(h.releases.filter((r) => r.status === 'completed').length, 21);
  });

  it('a broken version is rolled back automatically and never takes a request', async (t) => {
    const p = releaseProject(t);
    assert.equal((await p.bricks('up', '-d', '--wait', '60')).code, 0);
    const before = await settled(p);
    const address = svc(before, 'api').address;
    for (const broken of ['exit', 'never-ready'] as const) {
      p.setVersion('api', `bad-${broken}`, broken);
      let stop: () => void = () => {};
      const seen: string[] = [];
      const load = steadyLoad(address, 4, new Promise<void>((r) => (stop = r)));
      const out = await deploy(p, 1);
      stop();
      const result = await load;
      assert.match(out, /rolled-back/);
      assert.equal(result.failed, 0, result.errors.slice(0, 3).join('; '));
      seen.push(...result.replicas.keys());
      const after = await settled(p);
      assert.equal(svc(after, 'api').version, svc(before, 'api').version, `${broken}: the old version runs again`);
      const h = await history(p);
      const last = h.releases[h.releases.length - 1];
      assert.equal(last?.status, 'rolled-back', `${broken}: history says so`);
      assert.equal(h.current, 1);
    }
    // The broken builds answered nothing: every response came from version 1 (the echo body says).
    const body = await (await fetch(`${address}/`)).json() as { version: string };
    assert.equal(body.version, '1');
    const logs = await p.bricks('logs', 'api', '--json', '-n', '1000');
    assert.match(logs.stdout, /broken build: exiting at start/);
  });

  it('rollback to the SHA three releases back runs exactly its digests', async (t) => {
    const p = releaseProject(t);
    assert.equal((await p.bricks('up', '-d', '--wait', '60')).code, 0);
    const shas = [p.git('rev-parse', 'HEAD')];
    for (const v of ['2', '3', '4']) {
      shas.push(p.setVersion(v === '3' ? 'other' : 'api', v));
      await deploy(p);
    }
    const target = shas[0]!;
    const r = await p.bricks('rollback', target.slice(0, 10));
    assert.equal(r.code, 0, r.stderr);
    const h = await history(p);
    const wanted = h.releases.find((x) => x.release.sha === target)!.release.services;
    const doc = await settled(p);
    for (const [name, s] of Object.entries(wanted)) assert.equal(svc(doc, name).version, s.digest, `${name} runs release 1's artifact`);
    const last = h.releases[h.releases.length - 1]!;
    assert.equal(last.release.kind, 'rollback');
    assert.equal(last.status, 'completed');
    // Back one more step with -1: the release before the rollback.
    assert.equal((await p.bricks('rollback', '-1')).code, 0);
    const diff = await p.bricks('diff', target.slice(0, 10), shas[3]!.slice(0, 10));
    assert.equal(diff.code, 0);
    assert.match(diff.stdout, /api\s+(digest|config)/);
    assert.match(diff.stdout, /other\s+(digest|config)/);
  });

  it('daemon kill -9 mid-rollout: the next up converges to one release and history says what happened', async (t) => {
    const p = releaseProject(t);
    assert.equal((await p.bricks('up', '-d', '--wait', '60')).code, 0);
    for (const point of ['building', 'rolling'] as const) {
      const before = await settled(p);
      const version = `killed-${point}`;
      p.setVersion('api', version);
      const deploying = p.bricks('deploy');
      // Kill the daemon at the chosen point: while it builds, or once a new replica runs.
      await until(`the rollout to reach ${point}`, async () => {
        if (point === 'building') return true;
        const doc = (await p.ps());
        return svc(doc, 'api').replicas.some((r) => r.phase === 'running' && svc(before, 'api').replicas.every((o) => o.pid !== r.pid));
      });
      const daemon = p.daemonPid()!;
      process.kill(daemon, 'SIGKILL');
      await deploying;
      await until('old replicas reaped', () => pids(svc(before, 'api')).every((pid) => !alive(pid)));
      const up = await p.bricks('up', '-d', '--wait', '60');
      assert.equal(up.code, 0, up.stderr);
      const doc = await settled(p);
      const h = await history(p);
      const current = h.releases.find((r) => r.release.id === h.current)!;
      assert.equal(svc(doc, 'api').version, current.release.services.api?.digest, 'runs the current release');
      assert.equal(current.status, 'completed');
      assert.equal(((await (await fetch(`${svc(doc, 'api').address}/`)).json()) as { version: string }).version, version, 'the new tree won');
      if (point === 'rolling') assert.ok(h.releases.some((r) => r.status === 'interrupted'), 'the cut-short rollout is marked interrupted');
    }
  });

  it('a release an older bricks recorded is never run again: up deploys the tree, rollback says what to do', async (t) => {
    const p = releaseProject(t);
    assert.equal((await p.bricks('up', '-d', '--wait', '60')).code, 0);
    await settled(p);
    assert.equal((await p.bricks('down', '--timeout', '20')).code, 0);
    // Release #1 as a bricks before the stack model's version wrote it: no `model`.
    const file = join(p.dir, '.bricks', 'releases', '00000001.json');
    const { model: _model, ...old } = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    writeFileSync(file, `${JSON.stringify(old, null, 2)}\n`);
    // The next daemon does not run it: `up` deploys the work tree as a new release.
    const up = await p.bricks('up', '-d', '--wait', '60');
    assert.equal(up.code, 0, up.stderr);
    await settled(p);
    const h = await history(p);
    assert.deepEqual([h.releases.length, h.current], [2, 2]);
    const back = await p.bricks('rollback', '-1');
    assert.equal(back.code, 1, back.stdout + back.stderr);
    assert.match(back.stderr, /release #1 \([0-9a-f]{12}\) was recorded by an older bricks.*git checkout [0-9a-f]{12} && bricks deploy/);
    assert.equal((await history(p)).releases.length, 2, 'nothing recorded for the refused rollback');
  });
});
