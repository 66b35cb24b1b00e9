import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { localAutoscale } from '../../../platform/local-defaults.ts';
import { encodePolicy } from './policy.ts';
import { dockerApi } from './swarm-api.ts';

const policy = localAutoscale({ min: 1, max: 3, concurrency: 2 }, 1);

/** An Engine API on a unix socket that answers from a table and records what it was asked. */
async function fakeEngine(t: { after: (fn: () => void) => void }, answer: (req: IncomingMessage, body: string) => unknown) {
  const dir = mkdtempSync(join(tmpdir(), 'bricks-engine-'));
  const socket = join(dir, 'docker.sock');
  const seen: Array<{ method: string; url: string; body: string }> = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', body });
      const out = answer(req, body);
      res.statusCode = out === undefined ? 404 : 200;
      res.end(out === undefined ? '{"message":"no such thing"}' : JSON.stringify(out));
    });
  });
  await new Promise<void>((r) => server.listen(socket, r));
  t.after(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { socket, seen };
}

test('the Engine API: the stack\'s autoscaled services by label, running tasks\' addresses on the metrics network, scale at the spec\'s version', async (t) => {
  const spec = {
    Name: 'shop_api',
    Labels: {
      'dev.bricks.stack': 'shop', 'dev.bricks.service': 'api', 'dev.bricks.autoscale': encodePolicy(policy),
      'dev.bricks.metrics.port': '8080', 'dev.bricks.metrics.path': '/metrics', 'dev.bricks.metrics.network': 'shop_default',
    },
    Mode: { Replicated: { Replicas: 1 } },
    TaskTemplate: { ContainerSpec: { Image: 'shop-api:abc' } },
  };
  const { socket, seen } = await fakeEngine(t, (req) => {
    const url = new URL(req.url ?? '/', 'http://engine');
    if (url.pathname === '/services') return [{ ID: 's1', Version: { Index: 41 }, Spec: spec }, { ID: 's2', Version: { Index: 1 }, Spec: { Name: 'shop_global', Labels: spec.Labels, Mode: { Global: {} } } }];
    if (url.pathname === '/tasks') {
      return [
        { ID: 't1', Status: { State: 'running' }, NetworksAttachments: [{ Network: { Spec: { Name: 'ingress' } }, Addresses: ['10.0.0.9/24'] }, { Network: { Spec: { Name: 'shop_default' } }, Addresses: ['10.0.1.5/24'] }] },
        { ID: 't2', Status: { State: 'starting' }, NetworksAttachments: [{ Network: { Spec: { Name: 'shop_default' } }, Addresses: ['10.0.1.6/24'] }] },
      ];
    }
    if (url.pathname === '/services/s1' && req.method === 'GET') return { ID: 's1', Version: { Index: 41 }, Spec: spec };
    if (url.pathname === '/services/s1/update' && req.method === 'POST') return { Warnings: null };
    return undefined;
  });
  const api = dockerApi(socket);
  const services = await api.autoscaledServices('shop');
  // A global service has no replica count to set: it is not listed.
  assert.deepEqual(services, [{ id: 's1', service: 'api', replicas: 1, policy, metricsPort: 8080, metricsPath: '/metrics', network: 'shop_default' }]);
  assert.deepEqual(JSON.parse(new URL(seen[0]!.url, 'http://e').searchParams.get('filters') ?? ''), { label: ['dev.bricks.stack=shop', 'dev.bricks.autoscale'] });
  assert.deepEqual(await api.runningTasks('s1', 'shop_default'), [{ task: 't1', address: '10.0.1.5' }]);
  assert.deepEqual(JSON.parse(new URL(seen[1]!.url, 'http://e').searchParams.get('filters') ?? ''), { service: ['s1'], 'desired-state': ['running'] });
  await api.scale('s1', 3);
  const update = seen.at(-1)!;
  assert.equal(update.url, '/services/s1/update?version=41');
  // The whole spec goes back, only the count changed (what `docker service scale` does).
  assert.deepEqual(JSON.parse(update.body), { ...spec, Mode: { Replicated: { Replicas: 3 } } });
  await assert.rejects(api.scale('nope', 2), /docker API GET \/services\/nope: 404/);
});
