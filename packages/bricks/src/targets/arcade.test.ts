// The real arcade example, read by the stack parser, through every target renderer.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { AUTH_VARIABLE } from '@bricks/sdk/platform-env';
import { loadStack } from '../stack/index.ts';
import type { Stack } from '../stack/model.ts';
import { renderHelmChart } from './kubernetes/helm/chart.ts';
import { renderManifests } from './kubernetes/render.ts';
import { renderSwarmStack } from './swarm/render.ts';
import { helmTemplate, validateAll } from './testing/helm-template.ts';

const arcadeFile = join(new URL('../../../..', import.meta.url).pathname, 'examples', 'arcade', 'bricks.yaml');
const sha = '1111111111111111111111111111111111111111';

/** On an engine arcade names a real OIDC issuer (locally it uses the daemon's, `local`). */
const ISSUER = 'https://id.arcade.example/realms/arcade';
/** What `helm install --set-file` gives the chart. */
const INSTALL = { secrets: { db_password: 'from-set-file' } };

async function arcade(): Promise<Stack> {
  const r = await loadStack({ file: arcadeFile, env: { ...process.env, ARCADE_ISSUER: ISSUER } });
  if (!r.ok) assert.fail(r.problems.map((p) => p.message).join('\n'));
  return r.stack;
}

test('arcade: manifests render and validate, one Deployment and two Services per service, an Ingress for the gateway', async () => {
  const stack = await arcade();
  const objs = renderManifests(stack, { sha });
  for (const o of objs) o.validate();
  const n = Object.keys(stack.services).length;
  assert.equal(objs.filter((o) => o.kind === 'Deployment').length, n);
  // Plus the activator (an ExternalName for the KEDA interceptor) of each service that scales to zero.
  const toZero = Object.values(stack.services).filter((s) => s.bricks.autoscale?.min === 0).length;
  assert.equal(objs.filter((o) => o.kind === 'Service').length, 2 * n + toZero);
  assert.deepEqual(objs.filter((o) => o.kind === 'Ingress').map((o) => o.metadata?.name), ['gateway']);
  // The databases' named volumes: a claim each, mounted by catalog and scores.
  assert.deepEqual(objs.filter((o) => o.kind === 'PersistentVolumeClaim').map((o) => o.metadata?.name), ['catalog-data', 'scores-data']);
});

test('arcade: the Helm chart renders and every object validates', async () => {
  const stack = await arcade();
  // The chart takes secret values at install (helm --set-file secrets.db_password=FILE).
  const objs = helmTemplate(renderHelmChart(stack, { sha }), INSTALL);
  validateAll(objs);
  assert.equal(objs.filter((o) => o.kind === 'Deployment').length, Object.keys(stack.services).length);
  assert.deepEqual(objs.filter((o) => o.kind === 'PersistentVolumeClaim').map((o) => o.metadata.name).sort(), ['catalog-data', 'scores-data']);
});

test('arcade: the size of each named volume is a chart value, 1Gi unless set', async () => {
  const files = renderHelmChart(await arcade(), { sha });
  const storage = (objs: ReturnType<typeof helmTemplate>): Record<string, unknown> =>
    Object.fromEntries(
      objs.filter((o) => o.kind === 'PersistentVolumeClaim').map((o) => [o.metadata.name, (o as unknown as { spec: { resources: { requests: { storage: unknown } } } }).spec.resources.requests.storage]),
    );
  assert.deepEqual(storage(helmTemplate(files, INSTALL)), { 'catalog-data': '1Gi', 'scores-data': '1Gi' });
  const sized = helmTemplate(files, { ...INSTALL, volumes: { 'catalog-data': { size: '20Gi' }, 'scores-data': { size: '5Gi' } } });
  validateAll(sized);
  assert.deepEqual(storage(sized), { 'catalog-data': '20Gi', 'scores-data': '5Gi' });
});

test('arcade: the Swarm stack file has every service, dnsrr behind the gateway', async () => {
  const stack = await arcade();
  const images = Object.fromEntries(Object.keys(stack.services).map((s) => [s, `arcade-${s}:${sha}`]));
  const compose = renderSwarmStack(stack, images, { materialize: (f) => `/tmp/${f.name}`, autoscalerImage: 'bricks-swarm-autoscaler:test' });
  // analytics autoscales: bricks adds its autoscaler, since Swarm has none.
  assert.deepEqual(Object.keys(compose.services), [...Object.keys(stack.services), 'bricks-autoscaler']);
  for (const [name, s] of Object.entries(compose.services)) {
    if (name === 'bricks-autoscaler') continue;
    const deploy = s['deploy'] as { endpoint_mode: string };
    assert.equal(deploy.endpoint_mode, name === 'gateway' ? 'vip' : 'dnsrr', name);
  }
  assert.deepEqual(Object.keys(compose.volumes ?? {}), ['catalog-data', 'scores-data']);
});

test("arcade on an engine: the rules and issuer reach catalog, and the daemon's development issuer is refused", async () => {
  const stack = await arcade();
  const compose = renderSwarmStack(stack, Object.fromEntries(Object.keys(stack.services).map((s) => [s, `arcade-${s}:${sha}`])), { materialize: () => '/dev/null', autoscalerImage: 'bricks-swarm-autoscaler:test' });
  const env = compose.services['catalog']!['environment'] as Record<string, string>;
  assert.deepEqual(JSON.parse(env[AUTH_VARIABLE] ?? '{}'), {
    issuer: ISSUER,
    audience: 'arcade',
    methods: { 'arcade.v1.CatalogService/CreateGame': { callers: ['gateway'], scopes: ['games:write'] } },
  });
  const local = await loadStack({ file: arcadeFile, env: { ...process.env, ARCADE_ISSUER: '' } });
  assert.ok(local.ok);
  assert.throws(() => renderManifests(local.stack, { sha }), /issuer is local, the bricks daemon's development issuer/);
});
