// The Swarm autoscaler on a real Docker Swarm: a stack whose `work` service autoscales on
// requests in flight gets bricks' autoscaler service; a bounded load step on loopback (through
// the edge's host-mode published port) grows `work`'s replicas through the Engine API, and the
// end of the load shrinks it back to its floor. Skips without Docker, unless CI=true.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { freePort } from '../packages/bricks/src/platform/runtime/ports.ts';
import {
  AUTOSCALER_SERVICE, buildAutoscalerImage, buildImages, deploySwarm, imageMap, removeSwarm, swarmStackName,
} from '../packages/bricks/src/targets/index.ts';
import { makeStack } from '../packages/bricks/src/targets/testing/stack-fixture.ts';
import { ensureSwarm } from './helpers/swarm.ts';
import { artifact, meteredServiceSource } from './helpers/swarm-artifacts.ts';

const health = { ready: '/health', live: '/health', interval: '1s', timeout: '2s', retries: 3, start_period: '0s', start_interval: '0s' };

/** The edge: every request becomes one call of `work` that is held `ms` milliseconds. */
const frontSource = `import { createServer } from 'node:http';
createServer(async (req, res) => {
  if (req.url === '/health') return res.end('ok');
  try {
    const r = await fetch(process.env.WORK_URL + '/work?ms=250');
    res.end(await r.text());
  } catch (err) {
    res.statusCode = 502;
    res.end(String(err));
  }
}).listen(Number(process.env.PORT), '0.0.0.0');
`;

function replicasOf(service: string): number {
  const out = execFileSync('docker', ['service', 'inspect', '--format', '{{.Spec.Mode.Replicated.Replicas}}', service], { encoding: 'utf8' });
  return Number(out.trim());
}

async function until(what: string, ms: number, ok: () => boolean, detail: () => string): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (ok()) return;
    await sleep(500);
  }
  assert.fail(`${what} within ${ms / 1000} s\n${detail()}`);
}

test('swarm: a load step grows an autoscaled service through bricks\' autoscaler, and its end shrinks it', { timeout: 300_000 }, async (t) => {
  if (!(await ensureSwarm(t))) return;
  const dir = mkdtempSync(join(tmpdir(), 'bricks-swarm-autoscale-'));
  const name = `bricks-autoscale-${process.pid}`;
  const port = await freePort();
  const stack = makeStack(name, {
    front: { ports: [`127.0.0.1:${port}:8080`], stop_grace_period: '1s', 'x-bricks': { port: 8080, health } },
    // Target 2 in flight per replica; the load holds about 8: the decision asks for more than max.
    work: { stop_grace_period: '1s', 'x-bricks': { port: 8081, health, autoscale: { min: 1, max: 3, concurrency: 2 } } },
  }, {}, dir);
  const work = `${swarmStackName(stack)}_work`;
  const autoscaler = `${swarmStackName(stack)}_${AUTOSCALER_SERVICE}`;
  t.after(async () => {
    await removeSwarm(stack, { deadlineMs: 60_000 }).catch(() => {});
    const ids = execFileSync('docker', ['images', '-q', '--filter', `label=dev.bricks.stack=${name}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
    if (ids.length > 0) spawnSync('docker', ['rmi', '-f', ...new Set(ids)], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  });

  const images = await buildImages([artifact(dir, 'front', frontSource), artifact(dir, 'work', meteredServiceSource)], { stack, sha: 'sha1' });
  const autoscalerImage = await buildAutoscalerImage();
  const result = await deploySwarm(stack, 'sha1', { images: imageMap(images), autoscalerImage, deadlineMs: 120_000 });
  assert.ok(result.updated.includes(AUTOSCALER_SERVICE), 'the autoscaler service is part of the stack');
  assert.equal(replicasOf(work), 1);
  const logs = (): string => spawnSync('docker', ['service', 'logs', '--raw', autoscaler], { encoding: 'utf8' }).stdout;

  // Bounded load on loopback: 8 callers in a loop, each call held 250 ms by `work`, for at most 40 s.
  let stop = false;
  let answered = 0;
  let failed = 0;
  const callers = Array.from({ length: 8 }, async () => {
    const end = Date.now() + 40_000;
    while (!stop && Date.now() < end) {
      try {
        // A timer of our own, not AbortSignal.timeout (unref'd): a hung call must keep the test alive until it aborts.
        const ac = new AbortController();
        const timer = setTimeout(() => ac.abort(), 5000);
        try {
          const r = await fetch(`http://127.0.0.1:${port}/`, { signal: ac.signal });
          await r.text();
          if (r.ok) answered++;
          else failed++;
        } finally {
          clearTimeout(timer);
        }
      } catch {
        failed++;
      }
    }
  });
  try {
    await until('work grew above 1 replica', 30_000, () => replicasOf(work) > 1, logs);
    await until('work reached its max of 3', 30_000, () => replicasOf(work) === 3, logs);
  } finally {
    stop = true;
    await Promise.all(callers);
  }
  assert.ok(answered > 20, `the load was served (${answered} answered, ${failed} failed)`);
  assert.match(logs(), /scaled work from 1 to [23]: (panic: )?concurrency/);

  // The load is gone: after the scale-down window (15 s) the decision comes back to the floor.
  await until('work shrank back to 1', 90_000, () => replicasOf(work) === 1, logs);
  assert.match(logs(), /scaled work from [23] to [12]/);
});
