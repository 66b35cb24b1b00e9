// The real arcade example, read by the stack parser, through every target renderer.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { AUTH_VARIABLE } from '@bricks/sdk/platform-env';
import { loadStack } from '../stack/index.ts';
import type { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
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

test('arcade: manifests render and validate, a Deployment per service and a StatefulSet for db, two Services each, an Ingress for the gateway', async () => {
  const stack = await arcade();
  const objs = renderManifests(stack, { sha });
  for (const o of objs) o.validate();
  const n = Object.keys(stack.services).length;
  assert.deepEqual(objs.filter((o) => o.kind === 'StatefulSet').map((o) => o.metadata?.name), ['db']);
  assert.equal(objs.filter((o) => o.kind === 'Deployment').length, n - 1);
  // Plus the activator (an ExternalName for the KEDA interceptor) of each service that scales to zero.
  const toZero = Object.values(stack.services).filter((s) => s.bricks.autoscale?.min === 0).length;
  assert.equal(objs.filter((o) => o.kind === 'Service').length, 2 * n + toZero);
  assert.deepEqual(objs.filter((o) => o.kind === 'Ingress').map((o) => o.metadata?.name), ['gateway']);
  // The database's volume is its StatefulSet's claim template, not a claim of its own.
  assert.deepEqual(objs.filter((o) => o.kind === 'PersistentVolumeClaim').map((o) => o.metadata?.name), []);
  const db = objs.find((o): o is StatefulSet => o.kind === 'StatefulSet')!;
  assert.equal(db.spec?.replicas, 1);
  assert.equal(db.spec?.serviceName, 'db-headless');
  assert.deepEqual(db.spec?.volumeClaimTemplates?.map((t) => [t.metadata?.name, t.spec?.accessModes, t.spec?.resources?.requests?.['storage']]), [['data-db-data', ['ReadWriteOnce'], '1Gi']]);
  const container = db.spec?.template.spec?.containers[0];
  assert.equal(container?.image, 'postgres:16');
  assert.ok(container?.volumeMounts?.some((m) => m.name === 'data-db-data' && m.mountPath === '/var/lib/postgresql/data'), 'the claim holds the data');
  assert.equal(db.spec?.template.spec?.securityContext?.fsGroup, 999, "a fresh claim is the postgres user's to write");
  assert.equal(container?.env?.find((e) => e.name === 'PGDATA')?.value, '/var/lib/postgresql/data/pgdata');
  assert.deepEqual(container?.readinessProbe?.exec?.command, ['pg_isready', '-U', 'postgres', '-d', 'arcade']);
  // Its clients get its connection URL, the same variable as locally.
  const catalog = objs.find((o): o is Deployment => o.kind === 'Deployment' && o.metadata?.name === 'catalog')!;
  assert.match(catalog.spec?.template.spec?.containers[0]?.env?.find((e) => e.name === 'DB_URL')?.value ?? '', /^postgres:\/\/postgres@db(-headless)?:5432\/arcade$/);
});

test('arcade: the Helm chart renders and every object validates', async () => {
  const stack = await arcade();
  // The chart takes secret values at install (helm --set-file secrets.db_password=FILE).
  const objs = helmTemplate(renderHelmChart(stack, { sha }), INSTALL);
  validateAll(objs);
  assert.equal(objs.filter((o) => o.kind === 'Deployment').length, Object.keys(stack.services).length - 1);
  assert.equal(objs.filter((o) => o.kind === 'StatefulSet').length, 1);
});

test("arcade: the size of the database's volume is a chart value, 1Gi unless set", async () => {
  const files = renderHelmChart(await arcade(), { sha });
  const storage = (objs: ReturnType<typeof helmTemplate>): unknown =>
    (objs.find((o) => o.kind === 'StatefulSet') as unknown as { spec: { volumeClaimTemplates: { spec: { resources: { requests: { storage: unknown } } } }[] } }).spec.volumeClaimTemplates[0]?.spec.resources.requests.storage;
  assert.equal(storage(helmTemplate(files, INSTALL)), '1Gi');
  const sized = helmTemplate(files, { ...INSTALL, volumes: { 'db-data': { size: '20Gi' } } });
  validateAll(sized);
  assert.equal(storage(sized), '20Gi');
});

test('arcade: the Swarm stack file has every service, dnsrr behind the gateway', async () => {
  const stack = await arcade();
  // What buildImages gives: an image per service bricks builds (db runs its own).
  const images = Object.fromEntries(Object.keys(stack.services).filter((s) => s !== 'db').map((s) => [s, `arcade-${s}:${sha}`]));
  const compose = renderSwarmStack(stack, images, { materialize: (f) => `/tmp/${f.name}`, autoscalerImage: 'bricks-swarm-autoscaler:test' });
  // analytics autoscales: bricks adds its autoscaler, since Swarm has none.
  assert.deepEqual(Object.keys(compose.services), [...Object.keys(stack.services), 'bricks-autoscaler']);
  for (const [name, s] of Object.entries(compose.services)) {
    if (name === 'bricks-autoscaler') continue;
    const deploy = s['deploy'] as { endpoint_mode: string };
    assert.equal(deploy.endpoint_mode, name === 'gateway' ? 'vip' : 'dnsrr', name);
  }
  assert.deepEqual(Object.keys(compose.volumes ?? {}), ['db-data']);
  // The database: its own image, stop-first on its volume, and its URL in its clients' environment.
  const db = compose.services['db']!;
  assert.equal(db['image'], 'postgres:16');
  assert.equal((db['deploy'] as { update_config: { order: string } }).update_config.order, 'stop-first');
  assert.deepEqual(db['volumes'], [{ type: 'volume', source: 'db-data', target: '/var/lib/postgresql/data' }]);
  assert.equal((compose.services['catalog']!['environment'] as Record<string, string>)['DB_URL'], 'postgres://postgres@db:5432/arcade');
  assert.equal((compose.services['catalog']!['deploy'] as { update_config: { order: string } }).update_config.order, 'start-first');
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
