// A backing service's further databases on the engines: the init file the image runs on its first
// start, as a content-named Swarm config and a Kubernetes ConfigMap, mounted in its init folder,
// and each database's URL in the other services' environment.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ConfigMap } from 'kubernetes-models/v1';
import type { StatefulSet } from 'kubernetes-models/apps/v1';
import { makeStack } from './testing/stack-fixture.ts';
import { INITDB_MOUNT, initdbScript } from './backing-init.ts';
import { renderHelmChart } from './kubernetes/helm/chart.ts';
import { renderManifests } from './kubernetes/render.ts';
import { helmTemplate, validateAll } from './testing/helm-template.ts';
import { renderSwarmStack } from './swarm/render.ts';

const sha = '1111111111111111111111111111111111111111';

function shop(databases?: readonly string[]) {
  return makeStack('shop', {
    db: {
      image: 'postgres:16',
      environment: { POSTGRES_DB: 'shop' },
      'x-bricks': { port: 5432, run: undefined, health: undefined, ...(databases === undefined ? {} : { backing: { databases } }) },
    },
    api: { 'x-bricks': { port: 8080 } },
  });
}

test('the init file creates each further database, one statement a line; none without them', () => {
  const stack = shop(['catalog', 'scores']);
  assert.equal(initdbScript(stack.services['db']!), 'CREATE DATABASE "catalog";\nCREATE DATABASE "scores";\n');
  assert.equal(initdbScript(shop().services['db']!), null);
  assert.equal(initdbScript(stack.services['api']!), null);
});

test('Swarm: the init file is a content-named config mounted in the image\'s init folder; every database\'s URL reaches the clients', () => {
  const written: Array<{ name: string; value: string }> = [];
  const compose = renderSwarmStack(shop(['catalog', 'scores']), { api: 'shop-api:1' }, {
    materialize: (f) => (written.push({ name: f.name, value: f.value.toString('utf8') }), `/m/${f.name}`),
  });
  assert.deepEqual(written, [{ name: 'bricks-db-databases', value: 'CREATE DATABASE "catalog";\nCREATE DATABASE "scores";\n' }]);
  const config = compose.configs?.['bricks-db-databases'];
  assert.equal(config?.['file'], '/m/bricks-db-databases');
  assert.match(String(config?.['name']), /^shop_bricks-db-databases_[0-9a-f]{8}$/);
  assert.deepEqual(compose.services['db']?.['configs'], [{ source: 'bricks-db-databases', target: INITDB_MOUNT, mode: 0o444 }]);
  assert.equal(compose.services['api']?.['configs'], undefined);
  const env = compose.services['api']?.['environment'] as Record<string, string>;
  assert.equal(env['DB_URL'], 'postgres://postgres@db:5432/shop');
  assert.equal(env['DB_CATALOG_URL'], 'postgres://postgres@db:5432/catalog');
  assert.equal(env['DB_SCORES_URL'], 'postgres://postgres@db:5432/scores');

  // Another database list is another config name, so Swarm (whose configs never change) gets a new one.
  const other = renderSwarmStack(shop(['catalog']), { api: 'shop-api:1' }, { materialize: (f) => `/m/${f.name}` });
  assert.notEqual(other.configs?.['bricks-db-databases']?.['name'], config?.['name']);
  // Without them nothing is added.
  const plain = renderSwarmStack(shop(), { api: 'shop-api:1' });
  assert.equal(plain.configs, undefined);
  assert.equal(plain.services['db']?.['configs'], undefined);
});

test('Kubernetes: the init file is a ConfigMap the StatefulSet mounts in the image\'s init folder; the objects validate', () => {
  const objs = renderManifests(shop(['catalog', 'scores']), { sha });
  for (const o of objs) o.validate();
  const map = objs.find((o): o is ConfigMap => o.kind === 'ConfigMap' && o.metadata?.name === 'shop-bricks-db-databases');
  assert.deepEqual(map?.data, { 'bricks-databases.sql': 'CREATE DATABASE "catalog";\nCREATE DATABASE "scores";\n' });
  const db = objs.find((o): o is StatefulSet => o.kind === 'StatefulSet' && o.metadata?.name === 'db')!;
  const pod = db.spec?.template.spec;
  const mount = pod?.containers[0]?.volumeMounts?.find((m) => m.mountPath === INITDB_MOUNT);
  assert.deepEqual(mount, { name: 'bricks-initdb', mountPath: INITDB_MOUNT, subPath: 'bricks-databases.sql', readOnly: true });
  assert.deepEqual(pod?.volumes?.find((v) => v.name === 'bricks-initdb')?.configMap, { name: 'shop-bricks-db-databases' });
  const api = objs.find((o) => o.kind === 'Deployment' && o.metadata?.name === 'api') as { spec?: { template: { spec?: { containers: Array<{ env?: Array<{ name: string; value?: string }> }> } } } } | undefined;
  const env = api?.spec?.template.spec?.containers[0]?.env ?? [];
  assert.match(env.find((e) => e.name === 'DB_SCORES_URL')?.value ?? '', /^postgres:\/\/postgres@db(-headless)?:5432\/scores$/);

  const plain = renderManifests(shop(), { sha });
  assert.equal(plain.some((o) => o.kind === 'ConfigMap' && o.metadata?.name === 'shop-bricks-db-databases'), false);
});

test('Helm: the chart carries the same init ConfigMap and mount, and validates', () => {
  const objs = helmTemplate(renderHelmChart(shop(['catalog', 'scores']), { sha }));
  validateAll(objs);
  const map = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'shop-bricks-db-databases');
  assert.deepEqual(map?.['data'], { 'bricks-databases.sql': 'CREATE DATABASE "catalog";\nCREATE DATABASE "scores";\n' });
  const db = objs.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'db') as unknown as StatefulSet | undefined;
  assert.ok(db?.spec?.template.spec?.containers[0]?.volumeMounts?.some((m) => m.mountPath === INITDB_MOUNT), 'mounted in the init folder');
});
