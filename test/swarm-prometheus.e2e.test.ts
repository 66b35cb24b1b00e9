// Prometheus finds a stack's tasks on a real Docker Swarm: a stack deployed with bricks' labels,
// a real Prometheus (Debian's binary, in a container on the stack's network with the manager's
// Docker socket) started from `bricks prometheus-config --target swarm`'s config, and every task
// up as a target with the labels every bricks target gives (stack, service, replica, version).
// Skips without Docker or Prometheus, unless CI=true.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { swarmPrometheusConfig } from '../packages/bricks/src/observability/index.ts';
import { freePort } from '../packages/bricks/src/platform/runtime/ports.ts';
import { buildImages, deploySwarm, imageMap, removeSwarm, swarmStackName } from '../packages/bricks/src/targets/index.ts';
import { makeStack } from '../packages/bricks/src/targets/testing/stack-fixture.ts';
import { findPrometheus } from './helpers/prometheus.ts';
import { ensureSwarm } from './helpers/swarm.ts';
import { artifact, meteredServiceSource } from './helpers/swarm-artifacts.ts';

const health = { ready: '/health', live: '/health', interval: '1s', timeout: '2s', retries: 3, start_period: '0s', start_interval: '0s' };

interface Target { labels: Record<string, string>; health: string; lastError: string; scrapeUrl: string }

test('swarm: dockerswarm_sd finds every task of the stack, labelled stack/service/replica/version', { timeout: 300_000 }, async (t) => {
  if (!(await ensureSwarm(t))) return;
  const prom = findPrometheus();
  if ('skip' in prom) return t.skip(prom.skip);
  const dir = mkdtempSync(join(tmpdir(), 'bricks-swarm-prom-'));
  const name = `bricks-promsd-${process.pid}`;
  const stack = makeStack(name, { api: { stop_grace_period: '1s', deploy: { replicas: 2 }, 'x-bricks': { port: 8080, health } } }, {}, dir);
  const container = `${name}-prometheus`;
  const promImage = `${name}-prometheus:e2e`;
  t.after(async () => {
    spawnSync('docker', ['rm', '-f', container], { stdio: 'ignore' });
    await removeSwarm(stack, { deadlineMs: 60_000 }).catch(() => {});
    const ids = execFileSync('docker', ['images', '-q', '--filter', `label=dev.bricks.stack=${name}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
    spawnSync('docker', ['rmi', '-f', promImage, ...new Set(ids)], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  });

  const images = await buildImages([artifact(dir, 'api', meteredServiceSource)], { stack, sha: 'sha1' });
  await deploySwarm(stack, 'sha1', { images: imageMap(images), deadlineMs: 90_000 });

  // Prometheus must reach the tasks' overlay addresses: Debian's binary in a container on the
  // stack's (attachable) network, built on the base image bricks already has (nothing is pulled).
  const ctx = join(dir, 'prometheus');
  execFileSync('mkdir', ['-p', ctx]);
  copyFileSync(prom.bin, join(ctx, 'prometheus'));
  writeFileSync(join(ctx, 'Dockerfile'), 'FROM bricks/node:20\nCOPY prometheus /bin/prometheus\nUSER root\nENTRYPOINT ["/bin/prometheus"]\n');
  execFileSync('docker', ['build', '-q', '-t', promImage, ctx], { stdio: 'ignore' });
  writeFileSync(join(dir, 'prometheus.yml'), swarmPrometheusConfig(stack.name, { intervalS: 1 }));
  const port = await freePort();
  execFileSync('docker', [
    'run', '-d', '--name', container, '--network', `${swarmStackName(stack)}_default`,
    '-v', '/var/run/docker.sock:/var/run/docker.sock:ro', '-v', `${join(dir, 'prometheus.yml')}:/etc/prometheus.yml:ro`,
    '-p', `127.0.0.1:${port}:9090`, promImage,
    '--config.file=/etc/prometheus.yml', '--storage.tsdb.path=/tmp/data', '--log.level=warn',
  ], { stdio: 'ignore' });

  const api = async <T>(path: string): Promise<T> => {
    // A timer of our own, not AbortSignal.timeout: that one is unref'd, and while Prometheus
    // starts behind Docker's port proxy a request can hang with nothing else keeping the test alive.
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), 3000);
    try {
      const r = await fetch(`http://127.0.0.1:${port}${path}`, { signal: ac.signal });
      return ((await r.json()) as { data: T }).data;
    } finally {
      clearTimeout(timer);
    }
  };
  const deadline = Date.now() + 60_000;
  let targets: Target[] = [];
  while (Date.now() < deadline) {
    targets = await api<{ activeTargets: Target[] }>('/api/v1/targets').then((d) => d.activeTargets).catch(() => []);
    if (targets.length === 2 && targets.every((x) => x.health === 'up')) break;
    await sleep(500);
  }
  const logs = spawnSync('docker', ['logs', '--tail', '20', container], { encoding: 'utf8' });
  assert.equal(targets.length, 2, `two targets, one per task: ${JSON.stringify(targets)}\n${logs.stderr}`);
  for (const x of targets) {
    assert.equal(x.health, 'up', `${x.scrapeUrl}: ${x.lastError}`);
    assert.match(x.scrapeUrl, /^http:\/\/10\.[0-9.]+:8080\/metrics$/);
    assert.equal(x.labels['stack'], name);
    assert.equal(x.labels['service'], 'api');
    assert.equal(x.labels['version'], 'sha1');
  }
  assert.deepEqual(targets.map((x) => x.labels['replica']).sort(), ['api.1', 'api.2']);
  // And the SDK's series are there under those labels (what KEDA's and the dashboards' queries select on).
  const series = await api<{ result: unknown[] }>(`/api/v1/query?query=${encodeURIComponent(`rpc_server_call_duration_seconds_count{stack="${name}",service="api"}`)}`);
  assert.equal(series.result.length, 2);
});
