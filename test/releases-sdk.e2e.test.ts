// 20 consecutive deploys of arcade's analytics service under constant load from two kinds of
// client at once: SDK clients balancing on the platform's live endpoint list (over the fast
// transport and over Connect), and HTTP requests through the gateway's service address.
// Not one call may fail.
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DISCOVERY_URL_VARIABLE, serviceUrlVariable } from '@bricks/sdk/platform-env';
import { AnalyticsService } from '../examples/arcade/gen/arcade/v1/analytics_pb.ts';
import { client, closeClients, closeDiscovery } from '../packages/sdk/src/index.ts';
import { arcadeCopy } from './helpers/arcade-copy.ts';
import { get, type PsDoc } from './helpers/bricks.ts';

/** The count; BRICKS_TEST_DEPLOYS lowers it while debugging. */
const DEPLOYS = Number(process.env.BRICKS_TEST_DEPLOYS ?? '20');

/** Analytics rolls fast: a short monitor window keeps 20 rollouts inside a couple of minutes. */
const fastRollouts = (yaml: string): string =>
  yaml.replace(/(\n {2}analytics:[\s\S]*?\n {4}deploy:\n {6}replicas: 2)/, '$1\n      update_config: { monitor: 200ms }');

test('20 deploys under load through SDK clients and a service address: 0 failed calls', { timeout: 420_000 }, async (t) => {
  const p = arcadeCopy(t, fastRollouts);
  const up = await p.bricks('up', '-d', '--wait', '150');
  assert.equal(up.code, 0, `bricks up failed:\n${up.stdout}\n${up.stderr}`);
  const doc: PsDoc = await p.ps();
  const address = (name: string): string => doc.services.find((s) => s.name === name)!.address;
  const { apiUrl } = JSON.parse(readFileSync(join(p.dir, '.bricks', 'daemon.json'), 'utf8')) as { apiUrl: string };
  const env = { [DISCOVERY_URL_VARIABLE]: `${apiUrl}/v1/discovery`, [serviceUrlVariable('analytics')]: address('analytics') };
  t.after(async () => {
    await closeClients();
    closeDiscovery();
  });

  let stopped = false;
  const failures: string[] = [];
  let failed = 0;
  let calls = 0;
  /** Keeps the first few messages; a failing client must not flood memory or the CPU. */
  const fail = async (what: string): Promise<void> => {
    failed++;
    if (failures.length < 20) failures.push(what);
    await new Promise((r) => setTimeout(r, 20));
  };
  const seenReplicas = new Set<string>();
  const sdkWorker = async (protocol: 'fast' | 'connect', n: number): Promise<void> => {
    const analytics = client(AnalyticsService, { target: 'analytics', protocol, inProcess: false, env });
    for (let i = 0; !stopped; i++) {
      try {
        const r = await analytics.track({ eventId: `${protocol}-${n}-${i}`, name: 'play', player: 'p', gameId: 'tetra' });
        seenReplicas.add(r.replica);
        calls++;
      } catch (err) {
        await fail(`sdk/${protocol}: ${String(err)}`);
      }
    }
  };
  const httpWorker = async (): Promise<void> => {
    while (!stopped) {
      try {
        const r = await get(`${address('gateway')}/api/games`);
        if (r.status !== 200) await fail(`http ${r.status}: ${r.body.slice(0, 200)}`);
        calls++;
      } catch (err) {
        await fail(`http: ${String(err)}`);
      }
    }
  };
  const workers = [...[0, 1, 2].map((n) => sdkWorker('fast', n)), ...[0, 1].map((n) => sdkWorker('connect', n)), httpWorker(), httpWorker()];

  try {
    for (let i = 1; i <= DEPLOYS; i++) {
      // A real change to analytics' sources: its digest changes, nothing else's does.
      appendFileSync(join(p.dir, 'services', 'analytics', 'counter.ts'), `\n// deploy ${i}\n`);
      const r = await p.bricks('deploy');
      assert.equal(r.code, 0, `deploy ${i}:\n${r.stdout}\n${r.stderr}`);
      assert.match(r.stdout, /deployed release #\d+ .*rolled analytics$/m, `deploy ${i} rolled analytics only`);
    }
  } finally {
    stopped = true;
    await Promise.all(workers);
  }
  assert.deepEqual(failures.slice(0, 5), [], `${failed} failed calls`);
  assert.ok(calls > 1000, `load ran: ${calls} calls`);
  assert.ok(seenReplicas.size >= 2, 'calls were balanced over the replicas');
});
