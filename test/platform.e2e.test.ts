// The local platform end to end: the real CLI, daemon, proxies and replica processes.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { alive, get, project, stackOf, steadyLoad, until } from './helpers/bricks.ts';
import type { Project, PsDoc, PsService } from './helpers/bricks.ts';

const svc = (doc: PsDoc, name: string): PsService => {
  const s = doc.services.find((x) => x.name === name);
  assert.ok(s, `service ${name} in ps`);
  return s;
};

async function upAndReady(p: Project): Promise<PsDoc> {
  const r = await p.bricks('up', '-d', '--wait', '30');
  assert.equal(r.code, 0, `bricks up failed:\n${r.stdout}\n${r.stderr}`);
  return p.ps();
}

/** Ready replicas of a service, once `n` of them are ready and no other is around. */
async function readyReplicas(p: Project, service: string, n: number): Promise<PsService> {
  return until(`${n} ready replicas of ${service}`, async () => {
    const s = svc(await p.ps(), service);
    return s.replicas.length === n && s.replicas.every((r) => r.ready) ? s : undefined;
  });
}

describe('local platform', { concurrency: false }, () => {
  it('up starts every replica behind a stable service address that balances per request', async (t) => {
    const p = project(t, `x-bricks: { base_port: 17300 }\n${stackOf({ api: { replicas: 2 }, worker: { replicas: 1 } })}`);
    const doc = await upAndReady(p);
    const api = svc(doc, 'api');
    assert.equal(api.address, 'http://127.0.0.1:17300');
    assert.equal(svc(doc, 'worker').address, 'http://127.0.0.1:17301');
    assert.equal(api.ready, 2);
    for (const r of api.replicas) assert.ok(r.pid !== null && alive(r.pid), `${r.name} runs`);
    const seen = new Set<string>();
    for (let i = 0; i < 10; i++) seen.add((JSON.parse((await get(api.address)).body) as { replica: string }).replica);
    assert.deepEqual([...seen].sort(), ['api.1', 'api.2']);

    const logs = await p.bricks('logs', 'api');
    assert.equal(logs.code, 0);
    assert.match(logs.stdout, /api\.1\s+\| .*INFO\s+listening port=\d+/);

    // The address survives a restart of the whole platform.
    assert.equal((await p.bricks('down')).code, 0);
    const again = await upAndReady(p);
    assert.equal(svc(again, 'api').address, 'http://127.0.0.1:17300');
  });

  it('kill -9 of a replica under steady load: 0 failed requests, replacement ready', async (t) => {
    const p = project(t, stackOf({ api: { replicas: 2 } }));
    const doc = await upAndReady(p);
    const api = svc(doc, 'api');
    let stopLoad: () => void = () => {};
    const progress = { ok: 0 };
    const load = steadyLoad(api.address, 8, new Promise<void>((r) => (stopLoad = r)), progress);
    await until('load flowing', () => progress.ok >= 100);
    const victim = api.replicas[0]!;
    process.kill(victim.pid!, 'SIGKILL');
    const replaced = await until('a new ready replica in the victim\'s slot', async () => {
      const s = svc(await p.ps(), 'api');
      const r = s.replicas.find((x) => x.name === victim.name);
      return r !== undefined && r.pid !== victim.pid && r.ready && s.ready === 2 ? r : undefined;
    });
    const atReplacement = progress.ok;
    await until('traffic flows on with the replacement in routing', () => progress.ok >= atReplacement + 100);
    stopLoad();
    const result = await load;
    assert.equal(result.failed, 0, `failed requests: ${result.errors.slice(0, 5).join('; ')}`);
    assert.ok(result.ok > 100, `load ran (${result.ok} requests)`);
    assert.equal(replaced.restarts, 1);
    assert.ok(!alive(victim.pid!));
  });

  it('a hung (SIGSTOP) replica is replaced', async (t) => {
    const p = project(t, stackOf({ api: { replicas: 1, extra: '    healthcheck: { interval: 200ms, timeout: 200ms, retries: 2 }' } }));
    const doc = await upAndReady(p);
    const victim = svc(doc, 'api').replicas[0]!;
    process.kill(victim.pid!, 'SIGSTOP');
    const fresh = await until('a replacement', async () => {
      const r = svc(await p.ps(), 'api').replicas.find((x) => x.pid !== victim.pid && x.ready);
      return r;
    });
    assert.notEqual(fresh.pid, victim.pid);
    await until('the hung replica is gone', () => !alive(victim.pid!));
  });

  it('scale 1 → 5 → 1', async (t) => {
    const p = project(t, stackOf({ api: { replicas: 1 } }));
    await upAndReady(p);
    assert.equal((await p.bricks('scale', 'api=5')).code, 0);
    const five = await readyReplicas(p, 'api', 5);
    const pids = five.replicas.map((r) => r.pid!);
    assert.equal((await p.bricks('scale', 'api=1')).code, 0);
    const one = await readyReplicas(p, 'api', 1);
    assert.equal(one.replicas[0]?.name, 'api.1');
    await until('scaled-down replicas gone', () => pids.filter((pid) => pid !== one.replicas[0]?.pid).every((pid) => !alive(pid)));
    const bad = await p.bricks('scale', 'api=lots');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /'api=lots' is not SERVICE=REPLICAS/);
    const unknown = await p.bricks('scale', 'nope=2');
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no service 'nope'/);
  });

  it('down leaves no process behind', async (t) => {
    const p = project(t, stackOf({ api: { replicas: 2 }, worker: { replicas: 2 } }));
    const doc = await upAndReady(p);
    const pids = doc.services.flatMap((s) => s.replicas.map((r) => r.pid!));
    const daemon = p.daemonPid()!;
    const r = await p.bricks('down');
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!alive(daemon), 'daemon gone');
    for (const pid of pids) assert.ok(!alive(pid), `replica ${pid} gone`);
    assert.equal(existsSync(join(p.dir, '.bricks', 'daemon.json')), false);
    const ps = await p.bricks('ps');
    assert.equal(ps.code, 3, 'ps without a daemon says so with exit code 3');
    assert.match(ps.stderr, /bricks up/);
  });

  it('daemon kill -9: no orphan replica; the next up converges', async (t) => {
    const p = project(t, `x-bricks: { base_port: 17400 }\n${stackOf({ api: { replicas: 2 } })}`);
    const doc = await upAndReady(p);
    const pids = svc(doc, 'api').replicas.map((r) => r.pid!);
    process.kill(p.daemonPid()!, 'SIGKILL');
    await until('replicas reaped', () => pids.every((pid) => !alive(pid)));
    const again = await upAndReady(p);
    const api = svc(again, 'api');
    assert.equal(api.address, 'http://127.0.0.1:17400');
    assert.equal(api.ready, 2);
    assert.equal((await get(api.address)).status, 200);
  });

  it('a crash-looping service shows as such, and max_attempts stops it', async (t) => {
    const p = project(
      t,
      stackOf({
        loop: { replicas: 1, env: { CRASH_AT_START: '1' }, extra: '    deploy:\n      restart_policy: { delay: 50ms }' },
      }).replace('    deploy:\n      replicas: 1\n', ''),
    );
    const r = await p.bricks('up', '-d', '--wait', '30');
    assert.equal(r.code, 1);
    // Whichever reaches `up` first names the service: the first rollout's verdict (when up's own
    // deploy did the rollout) or the readiness wait (when the daemon's start had already done it).
    assert.match(r.stderr, /loop is crash-looping|loop: loop\.1 exited/);
    // ...and shows what the replica printed, not only a condition.
    assert.match(r.stderr, /loop\.1 printed, last:\n(.*\n)* {2}\| crashing at start as asked/);
    const text = await until('ps to show loop crash-looping', async () => {
      const out = (await p.bricks('ps')).stdout;
      return /crash-looping 0\/1/.test(out) ? out : undefined;
    });
    assert.match(text, /loop\s+http:\/\/127\.0\.0\.1:\d+\s+crash-looping 0\/1/);

    const q = project(t, stackOf({ once: { replicas: 1, env: { CRASH_AT_START: '1' } } }).replace('      replicas: 1', '      replicas: 1\n      restart_policy: { delay: 10ms, max_attempts: 2 }'));
    await q.bricks('up', '-d', '--wait', '5');
    const failed = await until('gave up', async () => {
      const s = svc(await q.ps(), 'once');
      return s.condition === 'failed' ? s : undefined;
    });
    assert.equal(failed.restarts, 2);
  });

  it('a service that cannot start for want of its generated code: bricks up says so and what to run', async (t) => {
    const p = project(t, 'services:\n  greeter:\n    x-bricks:\n      run: node main.mjs\n      health: /healthz\n');
    p.write('package.json', JSON.stringify({ name: 'gen-missing', type: 'module' }));
    p.write('main.mjs', "import { GreeterService } from './gen/hello/v1/greeter_pb.js';\nconsole.log(GreeterService);\n");
    const r = await p.bricks('up', '-d', '--wait', '30');
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stderr, /greeter\.\d printed, last:\n(.*\n)* {2}\| Error \[ERR_MODULE_NOT_FOUND\]: Cannot find module '.*\/gen\/hello\/v1\/greeter_pb\.js'/);
    assert.match(r.stderr, /what to do: gen\/hello\/v1\/greeter_pb\.js is generated code that is not there: run `bricks gen` in /);
  });

  it('the control API refuses requests without the token', async (t) => {
    const p = project(t, stackOf({ api: {} }));
    await upAndReady(p);
    const info = JSON.parse(readFileSync(join(p.dir, '.bricks', 'daemon.json'), 'utf8')) as { apiUrl: string };
    const anon = await get(`${info.apiUrl}/v1/status`);
    assert.equal(anon.status, 401);
    const mode = (await import('node:fs')).statSync(join(p.dir, '.bricks', 'token')).mode & 0o777;
    assert.equal(mode, 0o600);
    // Discovery is public and lists ready endpoints.
    const disc = JSON.parse((await get(`${info.apiUrl}/v1/discovery`)).body) as { services: Record<string, { endpoints: unknown[] }> };
    assert.equal(disc.services.api?.endpoints.length, 1);
  });

  it('restart replaces every replica one at a time under load with 0 failed requests', async (t) => {
    const p = project(t, stackOf({ api: { replicas: 2 } }));
    const before = svc(await upAndReady(p), 'api');
    let stop: () => void = () => {};
    const load = steadyLoad(before.address, 8, new Promise<void>((r) => (stop = r)));
    assert.equal((await p.bricks('restart', 'api')).code, 0);
    const after = await until('both replicas replaced', async () => {
      const s = svc(await p.ps(), 'api');
      const fresh = s.replicas.filter((r) => r.ready && before.replicas.every((o) => o.pid !== r.pid));
      return fresh.length === 2 && s.replicas.length === 2 ? s : undefined;
    });
    stop();
    const result = await load;
    assert.equal(result.failed, 0, result.errors.slice(0, 3).join('; '));
    for (const r of before.replicas) assert.ok(!alive(r.pid!), `old ${r.name} stopped`);
    assert.equal(after.restarts, 0, 'a planned replacement is not a crash');
  });

  it('readiness gates traffic: a replica that never gets ready never gets a request', async (t) => {
    const p = project(t, stackOf({ api: { replicas: 1 }, stuck: { replicas: 1, env: { NEVER_READY: '1' } } }));
    const r = await p.bricks('up', '-d', '--wait', '3');
    assert.equal(r.code, 1, 'up -d says not everything got ready');
    assert.match(r.stderr, /not ready after 3 s: stuck/);
    const doc = await p.ps();
    const stuck = svc(doc, 'stuck');
    assert.equal(stuck.ready, 0);
    assert.ok(stuck.replicas[0]?.pid !== null && alive(stuck.replicas[0]!.pid), 'it runs');
    const res = await get(stuck.address);
    assert.equal(res.status, 503, 'the proxy answers for it instead');
    assert.match(res.body, /stuck/);
  });
});
