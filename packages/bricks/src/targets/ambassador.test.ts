// An ambassador on the engines: the forwarder mounted from a config (Swarm) or a ConfigMap
// (Kubernetes) and run by the image's Node, its credential at the secret's mount; validated.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Deployment } from 'kubernetes-models/apps/v1';
import type { ConfigMap } from 'kubernetes-models/v1';
import { loadStack } from '../stack/index.ts';
import { renderHelmChart } from './kubernetes/helm/chart.ts';
import { renderManifests } from './kubernetes/render.ts';
import { renderSwarmStack } from './swarm/render.ts';
import { helmTemplate, validateAll } from './testing/helm-template.ts';

async function stack(t: { after: (fn: () => void) => void }) {
  const dir = mkdtempSync(join(tmpdir(), 'bricks-ambassador-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'tok.txt'), 'tok-value\n');
  writeFileSync(join(dir, 'bricks.yaml'), [
    'name: shop',
    'services:',
    '  payments:',
    '    x-bricks: { ambassador: { url: "https://api.example.com/v1", timeout: 2s, credential: { header: authorization, secret: tok, scheme: Bearer } } }',
    '    secrets: [tok]',
    '  api:',
    '    x-bricks: { run: node main.js }',
    'secrets: { tok: { file: ./tok.txt } }',
    '',
  ].join('\n'));
  const r = await loadStack({ file: join(dir, 'bricks.yaml') });
  if (!r.ok) assert.fail(r.problems.map((p) => p.message).join('\n'));
  return r.stack;
}

const ARGS = ['/bricks/ambassador.mjs', '--name', 'payments', '--url', 'https://api.example.com/v1', '--timeout-ms', '2000', '--header', 'authorization', '--secret-file', '/run/secrets/tok', '--scheme', 'Bearer'];

test('Swarm: the forwarder is a config mounted into the service, run by node, with the secret at its mount', async (t) => {
  const s = await stack(t);
  const compose = renderSwarmStack(s, { payments: 'shop-payments:1', api: 'shop-api:1' });
  const svc = compose.services['payments']!;
  assert.deepEqual(svc['command'], ['node', ...ARGS]);
  assert.deepEqual((svc['configs'] as unknown[]).at(-1), { source: 'bricks-ambassador', target: '/bricks/ambassador.mjs', mode: 0o444 });
  assert.match(String(compose.configs?.['bricks-ambassador']?.['name']), /^shop_bricks-ambassador_[0-9a-f]{8}$/);
  assert.equal((svc['environment'] as Record<string, string>)['HOST'], '0.0.0.0');
  assert.equal((compose.services['api']!['environment'] as Record<string, string>)['PAYMENTS_URL'], 'http://payments:8080');
  assert.doesNotMatch(JSON.stringify(compose.services), /tok-value/);
});

test('Kubernetes: a ConfigMap with the forwarder, mounted and run by the Deployment; the chart validates', async (t) => {
  const s = await stack(t);
  const objs = renderManifests(s, { sha: 'a'.repeat(40) });
  const cm = objs.find((o): o is ConfigMap => o.kind === 'ConfigMap' && o.metadata?.name === 'shop-bricks-ambassador');
  assert.match(cm?.data?.['ambassador.mjs'] ?? '', /circuit/);
  const dep = objs.find((o): o is Deployment => o.kind === 'Deployment' && o.metadata?.name === 'payments')!;
  const c = dep.spec?.template.spec?.containers[0];
  assert.deepEqual([...(c?.command ?? []), ...(c?.args ?? [])], ['node', ...ARGS]);
  assert.ok(c?.volumeMounts?.some((m) => m.mountPath === '/bricks/ambassador.mjs' && m.subPath === 'ambassador.mjs'));
  validateAll(helmTemplate(renderHelmChart(s, { sha: 'a'.repeat(40) }), { secrets: { tok: 'x' } }));
});
