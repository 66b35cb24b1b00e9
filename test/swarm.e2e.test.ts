// End to end on a real Docker Swarm: build images for a two-service stack, deploy it, call it
// through the published port, change one service and redeploy (only its tasks are replaced),
// roll back to the first SHA, show that a broken release fails with the tasks' errors, and
// remove the stack. Skips without Docker, unless CI=true.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { freePort } from '../packages/bricks/src/platform/runtime/ports.ts';
import type { Stack } from '../packages/bricks/src/stack/model.ts';
import {
  buildImages, deploySwarm, dockerProblem, formatEvent, imageMap, removeSwarm, rollbackSwarm, swarmPs, TargetError,
} from '../packages/bricks/src/targets/index.ts';
import { makeStack } from '../packages/bricks/src/targets/testing/stack-fixture.ts';

const root = new URL('..', import.meta.url).pathname;

async function ensureSwarm(t: TestContext): Promise<boolean> {
  let problem = await dockerProblem(undefined, { swarm: true });
  if (problem !== null && process.env['CI'] === 'true') {
    // CI sets Docker up itself; running the idempotent setup here too makes the test self-sufficient.
    spawnSync('bash', [join(root, 'scripts/ci/docker-setup.sh')], { stdio: 'inherit' });
    problem = await dockerProblem(undefined, { swarm: true });
  }
  if (problem === null) {
    const base = spawnSync('docker', ['image', 'inspect', 'bricks/node:20'], { stdio: 'ignore' });
    if (base.status !== 0) spawnSync('bash', [join(root, 'scripts/ci/docker-setup.sh')], { stdio: 'inherit' });
    return true;
  }
  const message = `Swarm end-to-end tests need a Docker swarm manager: ${problem} (run scripts/ci/docker-setup.sh)`;
  if (process.env['CI'] === 'true') throw new Error(message);
  t.skip(message);
  return false;
}

const backSource = (version: string) => `import { createServer } from 'node:http';
import { hostname } from 'node:os';
createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ service: 'back', version: ${JSON.stringify(version)}, host: hostname() }));
}).listen(Number(process.env.PORT), '0.0.0.0');
`;

const frontSource = `import { createServer } from 'node:http';
createServer(async (req, res) => {
  if (req.url === '/health') return res.end('ok');
  try {
    const r = await fetch(process.env.BACK_URL + '/');
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ service: 'front', back: await r.json() }));
  } catch (err) {
    res.statusCode = 502;
    res.end(String(err));
  }
}).listen(Number(process.env.PORT), '0.0.0.0');
`;

/** An artifact dir as the build module makes them: code plus manifest.json, named by digest. */
function artifact(dir: string, service: string, source: string) {
  const digest = createHash('sha256').update(service).update(source).digest('hex');
  const out = join(dir, 'artifacts', digest);
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'main.mjs'), source);
  const command = ['node', 'main.mjs'];
  writeFileSync(join(out, 'manifest.json'), JSON.stringify({ service, digest, command }));
  return { service, digest, dir: out, command };
}

// Short intervals: convergence waits for health, and the test should take seconds per deploy.
const health = { ready: '/health', live: '/health', interval: '1s', timeout: '2s', retries: 3, start_period: '0s', start_interval: '0s' };

function twoServiceStack(dir: string, name: string, hostPort: number): Stack {
  return makeStack(name, {
    front: { ports: [`${hostPort}:8080`], stop_grace_period: '2s', 'x-bricks': { port: 8080, health } },
    back: {
      stop_grace_period: '2s',
      deploy: { replicas: 2, update_config: { order: 'start-first', parallelism: 1 } },
      'x-bricks': { port: 8081, health },
    },
  }, {}, dir);
}

/** Polls the published port until it answers with JSON, or the deadline passes. */
async function callFront(port: number, want: (body: { back: { version: string } }) => boolean): Promise<{ back: { version: string } }> {
  const deadline = Date.now() + 30_000;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const r = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(3000) });
      const text = await r.text();
      last = `${r.status} ${text}`;
      if (r.ok) {
        const body = JSON.parse(text) as { back: { version: string } };
        if (want(body)) return body;
      }
    } catch (err) {
      last = String(err);
    }
    await sleep(250);
  }
  throw new Error(`front did not answer as expected within 30 s; last: ${last}`);
}

function runningTaskIds(tasks: Awaited<ReturnType<typeof swarmPs>>, service: string): string[] {
  return tasks.filter((t) => t.service === service && t.desiredState === 'Running').map((t) => t.id).sort();
}

test('swarm: deploy, call through the published port, partial redeploy, rollback, failure report, remove', { timeout: 300_000 }, async (t) => {
  if (!(await ensureSwarm(t))) return;
  const dir = mkdtempSync(join(tmpdir(), 'bricks-swarm-e2e-'));
  const name = `bricks-e2e-${process.pid}`;
  const stack = twoServiceStack(dir, name, await freePort());
  const port = stack.services['front']!.ports[0]!.published!;
  const log: string[] = [];
  const onProgress = (e: Parameters<typeof formatEvent>[0]) => log.push(formatEvent(e));
  t.after(async () => {
    await removeSwarm(stack, { deadlineMs: 60_000 }).catch(() => {});
    const ids = execFileSync('docker', ['images', '-q', '--filter', `label=dev.bricks.stack=${name}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
    if (ids.length > 0) spawnSync('docker', ['rmi', '-f', ...new Set(ids)], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  });

  // Release 1.
  const front = artifact(dir, 'front', frontSource);
  const back1 = artifact(dir, 'back', backSource('v1'));
  const images1 = await buildImages([front, back1], { stack, sha: 'sha1', onProgress });
  assert.deepEqual(images1.map((i) => i.action), ['built', 'built']);
  const first = await deploySwarm(stack, 'sha1', { images: imageMap(images1), onProgress, deadlineMs: 90_000 });
  assert.deepEqual([...first.updated].sort(), ['back', 'front']);
  assert.equal((await callFront(port, () => true)).back.version, 'v1');
  const tasks1 = await swarmPs(stack);
  assert.equal(runningTaskIds(tasks1, 'back').length, 2);
  assert.equal(runningTaskIds(tasks1, 'front').length, 1);

  // Release 2 changes only back: front's image is reused and its tasks are left alone.
  const back2 = artifact(dir, 'back', backSource('v2'));
  const images2 = await buildImages([front, back2], { stack, sha: 'sha2', onProgress });
  assert.deepEqual(images2.map((i) => i.action), ['reused', 'built']);
  assert.equal(images2[0]!.ref, images1[0]!.ref);
  const second = await deploySwarm(stack, 'sha2', { images: imageMap(images2), onProgress, deadlineMs: 90_000 });
  assert.deepEqual(second.updated, ['back']);
  assert.deepEqual(second.unchanged, ['front']);
  await callFront(port, (b) => b.back.version === 'v2');
  const tasks2 = await swarmPs(stack);
  assert.deepEqual(runningTaskIds(tasks2, 'front'), runningTaskIds(tasks1, 'front'), 'front tasks untouched');
  const back2Ids = runningTaskIds(tasks2, 'back');
  assert.equal(back2Ids.length, 2);
  assert.ok(back2Ids.every((id) => !runningTaskIds(tasks1, 'back').includes(id)), 'back tasks replaced');

  // Rollback to sha1: the old back image runs again, front still untouched.
  const back = await rollbackSwarm(stack, 'sha1', { onProgress, deadlineMs: 90_000 });
  assert.deepEqual(back.updated, ['back']);
  await callFront(port, (b) => b.back.version === 'v1');
  const tasks3 = await swarmPs(stack);
  assert.ok(tasks3.filter((tk) => tk.service === 'back' && tk.desiredState === 'Running').every((tk) => tk.image === images1[1]!.ref));
  assert.deepEqual(runningTaskIds(tasks3, 'front'), runningTaskIds(tasks1, 'front'));

  // Deploying the release that runs already changes nothing at all.
  const again = await deploySwarm(stack, 'sha1', { images: imageMap(images1), deadlineMs: 90_000 });
  assert.deepEqual(again.updated, []);
  const tasks4 = await swarmPs(stack);
  for (const s of ['front', 'back']) assert.deepEqual(runningTaskIds(tasks4, s), runningTaskIds(tasks3, s), `${s} untouched`);
  t.diagnostic(`converged: first deploy ${Math.round(first.durationMs)} ms, one-service update ${Math.round(second.durationMs)} ms, rollback ${Math.round(back.durationMs)} ms, no-change redeploy ${Math.round(again.durationMs)} ms`);

  // A release whose back crashes does not converge, and the error names the tasks' failure.
  const broken = artifact(dir, 'back', 'process.exit(3);\n');
  const images4 = await buildImages([front, broken], { stack, sha: 'sha4' });
  const failure = await deploySwarm(stack, 'sha4', { images: imageMap(images4), deadlineMs: 20_000 }).then(() => null, (err: unknown) => err);
  assert.ok(failure instanceof TargetError, 'a broken release is rejected');
  assert.equal(failure.code, 'not-converged');
  assert.match(failure.message, /back/);
  assert.match(failure.message, /exit \(3\)|exit code 3/i);
  t.diagnostic(`broken release: ${failure.message}`);

  await removeSwarm(stack, { onProgress });
  assert.deepEqual(await swarmPs(stack), []);
  t.diagnostic(log.filter((l) => !l.includes('running')).join('\n'));
});
