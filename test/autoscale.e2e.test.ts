// Autoscaling with real processes and bounded load on loopback: a load step grows a service and
// its end shrinks it; a service at zero is woken by a request, which is answered, and goes back
// to zero when idle.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ECHO, get, project, steadyLoad, until } from './helpers/bricks.ts';
import type { PsDoc, PsService } from './helpers/bricks.ts';

interface AutoscaledPs extends PsService {
  readonly autoscale: { readonly min: number; readonly max: number; readonly reason: string } | null;
}

const svc = (doc: PsDoc, name: string): AutoscaledPs => {
  const s = doc.services.find((x) => x.name === name);
  assert.ok(s, `service ${name}`);
  return s as AutoscaledPs;
};

const health = '      health: { ready: /readyz, live: /healthz }';
const run = `      run: ["${process.execPath}", "${ECHO}"]`;

describe('autoscaling', { concurrency: false }, () => {
  it('a load step grows the service within seconds and its end shrinks it, each change with its reason', { timeout: 120_000 }, async (t) => {
    const p = project(t, [
      'services:',
      '  api:',
      '    x-bricks:',
      run,
      health,
      // Two in flight per replica; short windows so the test takes seconds.
      '      autoscale: { min: 1, max: 4, concurrency: 2, window: 4s, panic_window: 2s, scale_down_delay: 3s }',
      '',
    ].join('\n'));
    const up = await p.bricks('up', '-d', '--wait', '60');
    assert.equal(up.code, 0, up.stderr);
    const first = svc(await p.ps(), 'api');
    assert.deepEqual([first.desired, first.autoscale?.min, first.autoscale?.max], [1, 1, 4]);

    // 8 clients, each request held 200 ms by the replica: 8 in flight wants 4 replicas.
    let stop: () => void = () => {};
    const load = steadyLoad(`${first.address}/?delay=200`, 8, new Promise<void>((r) => (stop = r)));
    let grown: AutoscaledPs;
    try {
      const started = Date.now();
      grown = await until('api grown to 4 ready replicas', async () => {
        const s = svc(await p.ps(), 'api');
        return s.desired === 4 && s.ready === 4 ? s : undefined;
      }, 30_000);
      t.diagnostic(`load step → 4 ready replicas in ${Date.now() - started} ms`);
    } finally {
      stop();
    }
    const result = await load;
    assert.equal(result.failed, 0, result.errors.slice(0, 3).join('\n'));
    assert.ok(result.replicas.size >= 2, `the added replicas served: ${[...result.replicas.keys()].join(', ')}`);
    assert.match(grown.autoscale?.reason ?? '', /concurrency/);

    const shrunk = await until('api back to 1 replica', async () => {
      const s = svc(await p.ps(), 'api');
      return s.desired === 1 && s.replicas.filter((r) => r.phase !== 'stopping').length === 1 ? s : undefined;
    }, 40_000);
    assert.match(shrunk.autoscale?.reason ?? '', /concurrency 0/);
  });

  it('a service at zero is woken by a request, answers it, and goes back to zero when idle', { timeout: 120_000 }, async (t) => {
    const p = project(t, [
      'services:',
      '  lazy:',
      '    x-bricks:',
      run,
      health,
      '      autoscale: { min: 0, max: 1, idle: 2s }',
      '',
    ].join('\n'));
    const up = await p.bricks('up', '-d', '--wait', '60');
    assert.equal(up.code, 0, up.stderr);
    const before = svc(await p.ps(), 'lazy');
    assert.deepEqual([before.desired, before.replicas.length], [0, 0], 'a min-0 service starts at zero');

    // Three requests at once, at zero: every one is held while a replica starts, then answered.
    const started = Date.now();
    const replies = await Promise.all([1, 2, 3].map(() => get(`${before.address}/`)));
    t.diagnostic(`zero → three answers in ${Date.now() - started} ms`);
    assert.deepEqual(replies.map((r) => r.status), [200, 200, 200], replies.map((r) => r.body).join('\n'));
    const woken = svc(await p.ps(), 'lazy');
    assert.equal(woken.desired, 1);

    const idle = await until('lazy back to zero', async () => {
      const s = svc(await p.ps(), 'lazy');
      return s.desired === 0 && s.replicas.length === 0 ? s : undefined;
    }, 30_000);
    assert.match(idle.autoscale?.reason ?? '', /scaled to zero/);
  });
});
