import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { REPLICA_VARIABLE, RESILIENCE_VARIABLE, STACK_VARIABLE, STOP_GRACE_MS_VARIABLE, TARGET_VARIABLE } from '@bricks/sdk/platform-env';
import { TargetError } from '../errors.ts';
import { arcadeLike, HTTP_HEALTH, makeService, makeStack } from '../testing/stack-fixture.ts';
import { DEFAULT_START_PERIOD_MS, healthTest, MIN_CHECK_TIMEOUT_MS, swarmHealthcheck } from './healthcheck.ts';
import { renderSwarmStack } from './render.ts';
import { parseResilience } from '@bricks/sdk/resilience';

const images = {
  gateway: 'arcade-gateway:aaa', catalog: 'arcade-catalog:aaa', scores: 'arcade-scores:aaa',
  analytics: 'arcade-analytics:aaa', thumbnails: 'arcade-thumbnails:aaa',
};
const files: Record<string, string> = { '/project/secrets/db_password.txt': 'pw' };
const readFile = (p: string): Buffer => {
  const v = files[p];
  if (v === undefined) throw Object.assign(new Error(`ENOENT ${p}`), { code: 'ENOENT' });
  return Buffer.from(v);
};
const render = (imgs: Record<string, string> = images) =>
  renderSwarmStack(arcadeLike('/project'), imgs, { readFile, materialize: (f) => `/m/${f.kind}/${f.name}`, autoscalerImage: 'bricks-swarm-autoscaler:test' });

type Svc = {
  image: string; init?: boolean; command?: string[]; environment: Record<string, string>;
  ports?: Array<Record<string, unknown>>; healthcheck?: { test: string[]; interval: string; timeout: string; retries: number; start_period: string };
  deploy: { replicas?: number; endpoint_mode: string; update_config: Record<string, unknown>; restart_policy: Record<string, unknown>; resources?: unknown };
};
const svc = (c: ReturnType<typeof render>, name: string): Svc => c.services[name] as unknown as Svc;

test('services run their images; plain Compose images keep their command and get no node healthcheck', () => {
  const c = render();
  assert.equal(c.version, '3.8');
  assert.equal(svc(c, 'catalog').image, 'arcade-catalog:aaa');
  assert.equal(svc(c, 'catalog').init, true);
  const db = svc(c, 'db');
  assert.equal(db.image, 'postgres:16');
  assert.deepEqual(db.command, ['postgres', '-c', 'fsync=off']);
  // The image's own HEALTHCHECK is turned off, as the stack says (healthcheck: { disable: true }).
  assert.deepEqual(db.healthcheck, { disable: true });
  assert.equal(db.init, undefined);
});

test('SDK-balanced services use dnsrr; the edge keeps a VIP and publishes its ports in host mode', () => {
  const c = render();
  for (const name of ['catalog', 'scores', 'analytics', 'thumbnails', 'db']) assert.equal(svc(c, name).deploy.endpoint_mode, 'dnsrr', name);
  const gw = svc(c, 'gateway');
  assert.equal(gw.deploy.endpoint_mode, 'vip');
  assert.deepEqual(gw.ports, [{ target: 8080, published: 8080, protocol: 'tcp', mode: 'host' }]);
  assert.equal(svc(c, 'catalog').ports, undefined);
});

test('deploy keys: replicas, update_config with order, restart policy, resources; autoscaled services run their floor', () => {
  const c = render();
  const cat = svc(c, 'catalog');
  assert.equal(cat.deploy.replicas, 2);
  assert.deepEqual(cat.deploy.update_config, { parallelism: 2, delay: '5s', order: 'stop-first', failure_action: 'pause' });
  assert.deepEqual(cat.deploy.restart_policy, { condition: 'any', delay: '100ms', window: '10s' });
  assert.deepEqual(cat.deploy.resources, { limits: { cpus: '0.5', memory: '256M' }, reservations: { cpus: '0.25', memory: '128M' } });
  // Host-mode ports: one task per node, and the old task must free the port before the new one starts.
  const gw = svc(c, 'gateway').deploy as Svc['deploy'] & { mode?: string };
  assert.equal(gw.mode, 'global');
  assert.equal(gw.replicas, undefined);
  assert.equal(gw.update_config['order'], 'stop-first');
  assert.equal(svc(c, 'analytics').deploy.replicas, 2);
  assert.equal(svc(c, 'thumbnails').deploy.replicas, 1);
});

test('SDK replicas get their stop grace period and the stack\'s resilience policy, as locally', () => {
  const stack = makeStack('s', { api: { stop_grace_period: '7s', 'x-bricks': { resilience: { timeout: '2s', retries: { max: 1 } } } }, web: {} });
  const c = renderSwarmStack(stack, { api: 'api:1', web: 'web:1' });
  const env = (name: string): Record<string, string> => (c.services[name] as { environment: Record<string, string> }).environment;
  assert.equal(env('api')[STOP_GRACE_MS_VARIABLE], '7000');
  assert.deepEqual(parseResilience(env('api')[RESILIENCE_VARIABLE]), { timeout: 2000, retries: { max: 1 } });
  assert.equal(env('web')[STOP_GRACE_MS_VARIABLE], '10000');
  assert.equal(env('web')[RESILIENCE_VARIABLE], undefined);
});

test('every replica gets PORT and the service addresses by Swarm DNS name', () => {
  const env = svc(render(), 'scores').environment;
  assert.equal(env['PORT'], '8082');
  assert.equal(env[TARGET_VARIABLE], 'swarm');
  assert.equal(env['HOST'], '0.0.0.0');
  assert.equal(env['CATALOG_URL'], 'http://catalog:8081');
  assert.equal(env['GATEWAY_URL'], 'http://gateway:8080');
  // Swarm templates: one name per task, like the local `scores.2`; global tasks by node.
  assert.equal(env[REPLICA_VARIABLE], 'scores.{{.Task.Slot}}');
  assert.equal(svc(render(), 'gateway').environment[REPLICA_VARIABLE], 'gateway.{{.Node.Hostname}}');
});

test('secrets and configs get content-hashed names; inline values are materialised; an overlay network', () => {
  const c = render();
  const secret = c.secrets?.['db_password'];
  assert.equal(secret?.['file'], '/project/secrets/db_password.txt');
  assert.match(String(secret?.['name']), /^arcade_db_password_[0-9a-f]{8}$/);
  assert.equal(c.configs?.['catalog_conf']?.['file'], '/m/configs/catalog_conf');
  files['/project/secrets/db_password.txt'] = 'changed';
  try {
    assert.notEqual(render().secrets?.['db_password']?.['name'], secret?.['name']);
  } finally {
    files['/project/secrets/db_password.txt'] = 'pw';
  }
  assert.deepEqual(c.networks['default'], { driver: 'overlay', attachable: true });
});

test('named volumes: declared at the top as the user wrote them, mounted where the service says', () => {
  const stack = makeStack('arcade', { catalog: { volumes: ['catalog-data:/app/.bricks/data/catalog'] }, scores: {} }, {
    volumes: { 'catalog-data': {}, shared: { driver: 'local', labels: { team: 'games' } }, bare: null },
  });
  const c = renderSwarmStack(stack, { catalog: 'arcade-catalog:aaa', scores: 'arcade-scores:aaa' });
  assert.deepEqual(c.volumes, { 'catalog-data': {}, shared: { driver: 'local', labels: { team: 'games' } }, bare: {} });
  assert.deepEqual(c.services['catalog']?.['volumes'], [{ type: 'volume', source: 'catalog-data', target: '/app/.bricks/data/catalog' }]);
  assert.equal(c.services['scores']?.['volumes'], undefined);
  assert.equal(render().volumes, undefined, 'no volumes key when the stack declares none');
});

test('a new image for one service leaves every other service spec byte-identical (so Swarm leaves it alone)', () => {
  const a = render();
  const b = render({ ...images, scores: 'arcade-scores:bbb' });
  for (const name of Object.keys(a.services)) {
    if (name === 'scores') assert.notDeepEqual(a.services[name], b.services[name]);
    else assert.deepEqual(a.services[name], b.services[name], name);
  }
});

test('node checks get a timeout floor and a start period (a check is a fresh process in the container); others keep the stack\'s timing', () => {
  const c = render();
  const hc = svc(c, 'scores').healthcheck!;
  assert.equal(hc.interval, '5000ms');
  assert.equal(hc.timeout, `${MIN_CHECK_TIMEOUT_MS}ms`);
  assert.equal(hc.start_period, '10000ms');
  const quick = { ...HTTP_HEALTH, interval: '1s', timeout: '1s', start_period: '0s' };
  const fast = swarmHealthcheck(makeService('x', { 'x-bricks': { health: quick } }))!;
  assert.equal(fast.timeout, `${MIN_CHECK_TIMEOUT_MS}ms`);
  assert.equal(fast.start_period, `${DEFAULT_START_PERIOD_MS}ms`);
  assert.equal(fast.interval, '1000ms');
  const shell = makeService('y', { healthcheck: { test: 'true' }, 'x-bricks': { health: { ...quick, ready: undefined } } });
  assert.equal(swarmHealthcheck(shell)!.timeout, '1000ms');
});

test('a built service without an image is an invalid-stack error', () => {
  assert.throws(() => renderSwarmStack(makeStack('s', { x: {} }), {}), (e: unknown) => e instanceof TargetError && e.code === 'invalid-stack');
});

/** Runs a healthcheck's `node -e` command the way the container would (async: the server is in this process). */
function runCheck(cmd: string[]): Promise<number> {
  assert.equal(cmd[0], 'CMD');
  const child = spawn(cmd[1]!, cmd.slice(2), { stdio: 'ignore', timeout: 10_000 });
  return new Promise((resolve) => child.on('close', (code) => resolve(code ?? -1)));
}

test('the http and tcp healthcheck one-liners pass against a live server and fail otherwise', async (t) => {
  let status = 200;
  const server = createServer((req, res) => {
    res.statusCode = req.url === '/ready' ? status : 404;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const port = (server.address() as AddressInfo).port;
  const http = healthTest({ kind: 'http', path: '/ready' }, port, true)!;
  const tcp = healthTest({ kind: 'tcp' }, port, true)!;
  assert.equal(await runCheck(http), 0);
  assert.equal(await runCheck(tcp), 0);
  status = 503;
  assert.equal(await runCheck(http), 1);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  assert.equal(await runCheck(http), 1);
  assert.equal(await runCheck(tcp), 1);
  assert.deepEqual(healthTest({ kind: 'exec', command: { kind: 'shell', script: 'true' } }, 1, true), ['CMD-SHELL', 'true']);
  assert.equal(healthTest({ kind: 'http', path: '/' }, 1, false), null);
});

test('services carry the labels Prometheus relabels from: stack, service, the version of their image, metrics port/path/network', () => {
  const stack = makeStack('shop', {
    api: { deploy: { labels: { team: 'a' } }, 'x-bricks': { port: 8080 } },
    side: { networks: ['back'], 'x-bricks': { port: 8081 } },
    db: { image: 'postgres:16', 'x-bricks': { port: 5432, run: undefined, health: undefined } },
  }, { networks: { back: {} } });
  const c = renderSwarmStack(stack, { api: 'reg:5000/shop-api:abc123', side: 'shop-side:def456' });
  const labels = (name: string) => (c.services[name] as { deploy: { labels: Record<string, string> } }).deploy.labels;
  assert.deepEqual(labels('api'), {
    team: 'a',
    'dev.bricks.stack': 'shop',
    'dev.bricks.service': 'api',
    'dev.bricks.version': 'abc123',
    'dev.bricks.metrics.port': '8080',
    'dev.bricks.metrics.path': '/metrics',
    'dev.bricks.metrics.network': 'shop_default',
  });
  assert.equal(labels('side')['dev.bricks.metrics.network'], 'shop_back');
  // postgres serves no /metrics: named, but not scraped.
  assert.equal(labels('db')['dev.bricks.metrics.port'], undefined);
  assert.equal(labels('db')['dev.bricks.version'], '16');
});

test('a stack that autoscales gets the autoscaler service: on a manager, with the Docker socket, on the scaled services\' networks', () => {
  const stack = makeStack('shop', {
    api: { 'x-bricks': { port: 8080, autoscale: { min: 1, max: 4, concurrency: 5 } } },
    side: { networks: ['back'], 'x-bricks': { port: 8081, autoscale: { min: 0, max: 2 } } },
    fixed: { 'x-bricks': { port: 8082 } },
  }, { networks: { back: {} } });
  const c = renderSwarmStack(stack, { api: 'api:1', side: 'side:1', fixed: 'fixed:1' }, { autoscalerImage: 'bricks-swarm-autoscaler:k', currentReplicas: { api: 9, side: 2 } });
  type Auto = { image: string; environment: Record<string, string>; volumes: Array<{ source: string; target: string }>; networks: string[]; deploy: { replicas: number; placement: { constraints: string[] } } };
  const a = c.services['bricks-autoscaler'] as unknown as Auto;
  assert.equal(a.image, 'bricks-swarm-autoscaler:k');
  assert.equal(a.environment[STACK_VARIABLE], 'shop');
  assert.deepEqual(a.deploy.placement.constraints, ['node.role == manager']);
  assert.deepEqual(a.volumes.map((v) => [v.source, v.target]), [['/var/run/docker.sock', '/var/run/docker.sock']]);
  assert.deepEqual(a.networks, ['default', 'back']);
  const deploy = (n: string) => (c.services[n] as { deploy: { replicas: number; labels: Record<string, string> } }).deploy;
  // The policy rides in a label; min 0 is raised to 1 on Swarm (no activator holds a request at zero).
  const policy = JSON.parse(deploy('api').labels['dev.bricks.autoscale']!) as { min: number; max: number; targets: Record<string, number> };
  assert.deepEqual([policy.min, policy.max, policy.targets], [1, 4, { concurrency: 5 }]);
  assert.equal((JSON.parse(deploy('side').labels['dev.bricks.autoscale']!) as { min: number }).min, 1);
  assert.equal(deploy('fixed').labels['dev.bricks.autoscale'], undefined);
  // A redeploy keeps what the autoscaler set, within the bounds.
  assert.equal(deploy('api').replicas, 4);
  assert.equal(deploy('side').replicas, 2);
});

test('an autoscaled stack without the autoscaler image, or with a service of its name, is refused with the service named', () => {
  const stack = makeStack('shop', { api: { 'x-bricks': { port: 8080, autoscale: { max: 3 } } } });
  assert.throws(() => renderSwarmStack(stack, { api: 'api:1' }), /services\.api: x-bricks\.autoscale on Swarm needs the autoscaler's image/);
  const clash = makeStack('shop', { api: { 'x-bricks': { port: 8080, autoscale: { max: 3 } } }, 'bricks-autoscaler': { 'x-bricks': { port: 8081 } } });
  assert.throws(() => renderSwarmStack(clash, { api: 'api:1', 'bricks-autoscaler': 'x:1' }, { autoscalerImage: 'a:1' }), /services\.bricks-autoscaler: the name is bricks' own on Swarm/);
});
