import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { SERVICE_VARIABLE } from '@bricks/sdk/platform-env';
import { parse } from 'yaml';
import type { IDeployment } from 'kubernetes-models/apps/v1';
import type { IService } from 'kubernetes-models/v1';
import { TargetError } from '../errors.ts';
import { arcadeLike, makeStack } from '../testing/stack-fixture.ts';
import { renderManifests } from './render.ts';
import type { KubeObject } from './render.ts';
import { writeManifests } from './write.ts';

const sha = '0123456789abcdef0123456789abcdef01234567';

function fixtureDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'bricks-k8s-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'secrets'));
  writeFileSync(join(dir, 'secrets', 'db_password.txt'), 's3cret-value');
  return dir;
}

type Json = Record<string, unknown> & { kind: string; metadata: { name: string; labels?: Record<string, string> } };
const json = (objs: KubeObject[]): Json[] => objs.map((o) => o.toJSON() as unknown as Json);
const byKind = <T>(objs: Json[], kind: string): Array<T & Json> => objs.filter((o) => o.kind === kind) as Array<T & Json>;

/** A service's workload: its Deployment, or the StatefulSet of a backing service (db, a postgres image); both hold a pod template. */
function deployment(objs: Json[], name: string): IDeployment {
  const d = [...byKind<IDeployment>(objs, 'Deployment'), ...byKind<IDeployment>(objs, 'StatefulSet')].find((o) => o.metadata.name === name);
  assert.ok(d, `deployment ${name}`);
  return d;
}

function container(d: IDeployment) {
  const c = d.spec?.template.spec?.containers[0];
  assert.ok(c);
  return c;
}

function subset(a: Record<string, string>, b: Record<string, string> | undefined): boolean {
  return Object.entries(a).every(([k, v]) => b?.[k] === v);
}

test('every rendered object validates and carries the version and part-of labels', (t) => {
  const objs = renderManifests(arcadeLike(fixtureDir(t)), { sha, registry: 'reg.example/team' });
  for (const o of objs) o.validate();
  for (const o of json(objs)) {
    assert.equal(o.metadata.labels?.['app.kubernetes.io/part-of'], 'arcade', `${o.kind} ${o.metadata.name}`);
    assert.equal(o.metadata.labels?.['app.kubernetes.io/version'], sha);
  }
  const kinds = new Set<string>(objs.map((o) => o.kind));
  for (const k of ['Deployment', 'Service', 'ScaledObject', 'InterceptorRoute', 'PodDisruptionBudget', 'Ingress', 'Secret', 'ConfigMap']) {
    assert.ok(kinds.has(k), `renders a ${k}`);
  }
});

test('deployments: selectors match pod labels, images, strategy, grace period, resources', (t) => {
  const objs = json(renderManifests(arcadeLike(fixtureDir(t)), { sha, registry: 'reg.example/team' }));
  for (const d of byKind<IDeployment>(objs, 'Deployment')) {
    const sel = d.spec?.selector.matchLabels ?? {};
    assert.ok(Object.keys(sel).length > 0);
    assert.ok(subset(sel, d.spec?.template.metadata?.labels), `${d.metadata.name}: selector ⊆ pod labels`);
    assert.equal(sel['app.kubernetes.io/version'], undefined, 'the immutable selector must not carry the version');
  }
  assert.equal(container(deployment(objs, 'catalog')).image, `reg.example/team/arcade-catalog:${sha}`);
  assert.equal(container(deployment(objs, 'db')).image, 'postgres:16');
  assert.deepEqual(container(deployment(objs, 'db')).args, ['postgres', '-c', 'fsync=off']);

  const gw = deployment(objs, 'gateway');
  assert.deepEqual(gw.spec?.strategy, { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
  const cat = deployment(objs, 'catalog');
  assert.deepEqual(cat.spec?.strategy, { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 2 } });
  assert.equal(cat.spec?.minReadySeconds, 5);
  assert.equal(cat.spec?.replicas, 2);
  assert.equal(cat.spec?.template.spec?.terminationGracePeriodSeconds, 15);
  assert.deepEqual(container(cat).resources, {
    limits: { cpu: '0.5', memory: '256Mi' },
    requests: { cpu: '0.25', memory: '128Mi' },
  });
  // The HPA owns the count of an autoscaled service, and needs a CPU request to measure against.
  const an = deployment(objs, 'analytics');
  assert.equal(an.spec?.replicas, undefined);
  assert.equal(container(an).resources?.requests?.['cpu'], '100m');
});

test('probes follow the health settings: http, tcp, exec, none, and a startup probe for start_period', (t) => {
  const objs = json(renderManifests(arcadeLike(fixtureDir(t)), { sha }));
  const gw = container(deployment(objs, 'gateway'));
  assert.deepEqual(gw.readinessProbe?.httpGet, { path: '/ready', port: 'http' });
  assert.deepEqual(gw.livenessProbe?.httpGet, { path: '/live', port: 'http' });
  assert.equal(gw.livenessProbe?.periodSeconds, 5);
  assert.equal(gw.livenessProbe?.timeoutSeconds, 2);
  assert.equal(gw.livenessProbe?.failureThreshold, 3);
  assert.deepEqual(gw.startupProbe?.httpGet, { path: '/live', port: 'http' });
  assert.equal(gw.startupProbe?.periodSeconds, 1);
  assert.equal(gw.startupProbe?.failureThreshold, 13);
  assert.deepEqual(container(deployment(objs, 'scores')).livenessProbe?.tcpSocket, { port: 'http' });
  assert.deepEqual(container(deployment(objs, 'thumbnails')).livenessProbe?.exec, { command: ['sh', '-c', 'test -f /tmp/alive'] });
  // healthcheck: { disable: true }: no probe at all.
  const db = container(deployment(objs, 'db'));
  assert.equal(db.livenessProbe, undefined);
  assert.equal(db.startupProbe, undefined);
  assert.equal(db.readinessProbe, undefined);
});

test('services select their deployment and target ports the container declares; headless for SDK clients', (t) => {
  const objs = json(renderManifests(arcadeLike(fixtureDir(t)), { sha }));
  // Workloads: Deployments, and the StatefulSet of the backing service db.
  const deployments = [...byKind<IDeployment>(objs, 'Deployment'), ...byKind<IDeployment>(objs, 'StatefulSet')];
  // The activator of a scale-to-zero service is an ExternalName (the KEDA interceptor): no pods of its own.
  const services = byKind<IService>(objs, 'Service').filter((s) => s.spec?.type !== 'ExternalName');
  assert.equal(services.length, deployments.length * 2);
  for (const s of services) {
    const matches = deployments.filter((d) => subset(s.spec?.selector ?? {}, d.spec?.template.metadata?.labels));
    assert.equal(matches.length, 1, `${s.metadata.name} selects exactly one deployment`);
    const ports = container(matches[0]!).ports ?? [];
    for (const p of s.spec?.ports ?? []) {
      const target = ports.find((cp) => cp.name === p.targetPort || cp.containerPort === p.targetPort);
      assert.ok(target, `${s.metadata.name}: targetPort ${String(p.targetPort)} is a container port`);
      assert.equal(target.containerPort, p.port);
    }
  }
  const headless = services.find((s) => s.metadata.name === 'catalog-headless');
  assert.equal(headless?.spec?.clusterIP, 'None');
  assert.equal(services.find((s) => s.metadata.name === 'catalog')?.spec?.type, 'ClusterIP');
});

test('replicas get PORT, their name and every service address (headless for SDK services, ClusterIP for the edge)', (t) => {
  const objs = json(renderManifests(arcadeLike(fixtureDir(t)), { sha }));
  const env = Object.fromEntries((container(deployment(objs, 'scores')).env ?? []).map((e) => [e.name, e.value]));
  assert.equal(env['PORT'], '8082');
  assert.equal(env[SERVICE_VARIABLE], 'scores');
  assert.equal(env['CATALOG_URL'], 'http://catalog-headless:8081');
  assert.equal(env['GATEWAY_URL'], 'http://gateway:8080');
  const gwEnv = Object.fromEntries((container(deployment(objs, 'gateway')).env ?? []).map((e) => [e.name, e.value]));
  assert.equal(gwEnv['LOG_LEVEL'], 'info');
});

test('CPU alone is the HPA; requests in flight or per second, or min 0, are KEDA; never both for one Deployment', (t) => {
  const objs = json(renderManifests(arcadeLike(fixtureDir(t)), { sha }));
  // arcadeLike: analytics scales on cpu and rps (min 2), thumbnails on cpu from zero.
  assert.deepEqual(byKind(objs, 'HorizontalPodAutoscaler'), []);
  type So = { spec: { scaleTargetRef: { kind: string; name: string }; minReplicaCount: number; maxReplicaCount: number; cooldownPeriod: number; triggers: Array<{ type: string; name: string; metricType?: string; metadata: Record<string, string> }> } };
  const sos = byKind<So>(objs, 'ScaledObject');
  assert.deepEqual(sos.map((s) => s.metadata.name).sort(), ['analytics', 'thumbnails']);
  for (const s of sos) deployment(objs, s.spec.scaleTargetRef.name);
  const an = sos.find((s) => s.metadata.name === 'analytics')!;
  assert.equal(an.spec.minReplicaCount, 2);
  assert.equal(an.spec.maxReplicaCount, 6);
  assert.deepEqual(an.spec.triggers.map((tr) => `${tr.type}:${tr.name}`), ['prometheus:rps', 'cpu:cpu']);
  // The requests-per-second metric is the SDK's own counter (the server histogram's _count), per replica.
  const rps = an.spec.triggers[0]!;
  assert.equal(rps.metricType, 'AverageValue');
  assert.equal(rps.metadata['threshold'], '200');
  assert.equal(rps.metadata['query'], 'sum(rate(rpc_server_call_duration_seconds_count{stack="arcade",service="analytics"}[1m]))');
  assert.equal(rps.metadata['serverAddress'], 'http://prometheus-operated.monitoring.svc:9090');
  assert.equal(an.spec.triggers[1]!.metadata['value'], '70');
  const th = sos.find((s) => s.metadata.name === 'thumbnails')!;
  assert.equal(th.spec.minReplicaCount, 0);
  assert.deepEqual(th.spec.triggers.map((tr) => `${tr.type}:${tr.name}`), ['cpu:cpu', 'external-push:activator']);
  assert.equal(th.spec.triggers[1]!.metadata['interceptorRoute'], 'thumbnails');
  assert.equal(th.spec.cooldownPeriod, 300);
  assert.ok(!JSON.stringify(objs).includes('http_requests_per_second'), 'no metric name that nothing serves');

  type Pdb = { spec: { minAvailable: number; selector: { matchLabels: Record<string, string> } } };
  const pdbs = byKind<Pdb>(objs, 'PodDisruptionBudget');
  assert.deepEqual(pdbs.map((p) => p.metadata.name).sort(), ['analytics', 'catalog', 'scores']);
  for (const p of pdbs) {
    assert.equal(p.spec.minAvailable, 1);
    assert.ok(subset(p.spec.selector.matchLabels, deployment(objs, p.metadata.name).spec?.template.metadata?.labels));
  }

  type Ing = { spec: { rules: Array<{ http: { paths: Array<{ backend: { service: { name: string; port: { name: string } } } }> } }> } };
  const ingresses = byKind<Ing>(objs, 'Ingress');
  assert.deepEqual(ingresses.map((i) => i.metadata.name), ['gateway']);
  const backend = ingresses[0]!.spec.rules[0]!.http.paths[0]!.backend.service;
  const svc = byKind<IService>(objs, 'Service').find((s) => s.metadata.name === backend.name);
  assert.ok(svc?.spec?.ports?.some((p) => p.name === backend.port.name));
});

test('secrets become base64 Secrets mounted where Compose puts them; configs become ConfigMaps', (t) => {
  const objs = json(renderManifests(arcadeLike(fixtureDir(t)), { sha }));
  type Sec = { data: Record<string, string> };
  const secret = byKind<Sec>(objs, 'Secret')[0]!;
  assert.equal(Buffer.from(secret.data['db_password']!, 'base64').toString(), 's3cret-value');
  const pod = deployment(objs, 'catalog').spec?.template.spec;
  const mount = pod?.containers[0]?.volumeMounts?.find((m) => m.mountPath === '/run/secrets/db_password');
  assert.ok(mount);
  assert.equal(pod?.volumes?.find((v) => v.name === mount.name)?.secret?.secretName, secret.metadata.name);
  type Cm = { data: Record<string, string> };
  assert.equal(byKind<Cm>(objs, 'ConfigMap')[0]!.data['catalog_conf'], '{"pageSize": 20}');
  assert.ok(pod?.containers[0]?.volumeMounts?.some((m) => m.mountPath === '/app/catalog.json'));
});

/** arcadeLike with catalog's data on a named volume (and, when asked, scores on a host path). */
function withVolumes(dir: string, scoresMount?: unknown): ReturnType<typeof arcadeLike> {
  const stack = arcadeLike(dir);
  const mounted = makeStack('arcade', {
    catalog: { volumes: ['catalog-data:/app/.bricks/data/catalog'] },
    ...(scoresMount === undefined ? {} : { scores: { volumes: [scoresMount] } }),
  }, { volumes: { 'catalog-data': {}, unused: {} } }, dir);
  const catalog = stack.services['catalog']!;
  const scores = stack.services['scores']!;
  return {
    ...stack,
    volumes: mounted.volumes,
    services: {
      ...stack.services,
      catalog: { ...catalog, volumes: mounted.services['catalog']!.volumes },
      ...(scoresMount === undefined ? {} : { scores: { ...scores, volumes: mounted.services['scores']!.volumes } }),
    },
  };
}

test('a named volume becomes a PersistentVolumeClaim that the service mounts where Compose says', (t) => {
  const objs = json(renderManifests(withVolumes(fixtureDir(t)), { sha }));
  type Pvc = { spec: { accessModes: string[]; resources: { requests: { storage: string } } } };
  const claims = byKind<Pvc>(objs, 'PersistentVolumeClaim');
  assert.deepEqual(claims.map((c) => c.metadata.name), ['catalog-data'], 'one claim per mounted volume; an unused one gets none');
  assert.deepEqual(claims[0]!.spec.accessModes, ['ReadWriteOnce']);
  const pod = deployment(objs, 'catalog').spec?.template.spec;
  const mount = pod?.containers[0]?.volumeMounts?.find((m) => m.mountPath === '/app/.bricks/data/catalog');
  assert.ok(mount, 'mounted at the Compose target');
  assert.equal(pod?.volumes?.find((v) => v.name === mount.name)?.persistentVolumeClaim?.claimName, 'catalog-data');
  assert.ok(pod?.containers[0]?.volumeMounts?.some((m) => m.mountPath === '/run/secrets/db_password'), 'secrets stay mounted beside it');
});

test('a host path or an anonymous volume has no place in a cluster: an invalid-stack error naming the entry', (t) => {
  // (An undeclared named volume is refused when the stack file is read.)
  for (const bad of ['./scores-data:/data', '/data', { type: 'bind', source: '/srv', target: '/data' }, { type: 'tmpfs', target: '/tmp' }]) {
    assert.throws(
      () => renderManifests(withVolumes(fixtureDir(t), bad), { sha }),
      (err: unknown) => err instanceof TargetError && err.code === 'invalid-stack' && err.message.includes('services.scores.volumes[0]'),
      JSON.stringify(bad),
    );
  }
});

test('a missing secret file is an unreadable-source error', (t) => {
  const dir = fixtureDir(t);
  rmSync(join(dir, 'secrets'), { recursive: true });
  assert.throws(() => renderManifests(arcadeLike(dir), { sha }), (err: unknown) => err instanceof TargetError && err.code === 'unreadable-source');
});

test('writeManifests writes one file per object, secrets owner-only, and drops its own stale files', async (t) => {
  const dir = fixtureDir(t);
  const out = join(dir, 'k8s');
  mkdirSync(out);
  writeFileSync(join(out, 'deployment-gone.yaml'), '# Generated by bricks; edit the stack file instead.\nkind: Deployment\n');
  writeFileSync(join(out, 'mine.yaml'), 'kind: ConfigMap\n');
  const objs = renderManifests(arcadeLike(dir), { sha, namespace: 'arcade' });
  const files = await writeManifests(objs, out);
  assert.equal(files.length, objs.length);
  const names = readdirSync(out);
  assert.ok(!names.includes('deployment-gone.yaml'));
  assert.ok(names.includes('mine.yaml'));
  const docs = files.map((f) => parse(readFileSync(f, 'utf8')) as Json & { metadata: { namespace?: string } });
  assert.deepEqual(docs.map((d) => d.kind).sort(), objs.map((o) => o.kind).sort());
  assert.ok(docs.every((d) => d.metadata.namespace === 'arcade'));
  const secretFile = files.find((f) => f.includes('secret-'))!;
  assert.equal(statSync(secretFile).mode & 0o777, 0o600);
});

test('a CPU-only autoscaler stays an HPA, with the scale-down window and the step limit from the stack', () => {
  const stack = makeStack('s', { web: { 'x-bricks': { port: 8080, autoscale: { min: 2, max: 5, cpu: 60, scale_down_delay: '2m', max_scale_up_rate: 3 } } } });
  const objs = json(renderManifests(stack, { sha }));
  assert.deepEqual(byKind(objs, 'ScaledObject'), []);
  type Hpa = { spec: { minReplicas: number; maxReplicas: number; metrics: unknown[]; behavior: { scaleDown: { stabilizationWindowSeconds: number }; scaleUp: { policies: Array<{ type: string; value: number }> } } } };
  const [hpa] = byKind<Hpa>(objs, 'HorizontalPodAutoscaler');
  assert.ok(hpa);
  assert.equal(hpa.spec.minReplicas, 2);
  assert.deepEqual(hpa.spec.metrics, [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }]);
  assert.equal(hpa.spec.behavior.scaleDown.stabilizationWindowSeconds, 120);
  assert.deepEqual(hpa.spec.behavior.scaleUp.policies.map((p) => [p.type, p.value]), [['Percent', 200], ['Pods', 1]]);
});

test('concurrency scales through Prometheus by Little\'s law; without a target a KEDA service gets 10 in flight', () => {
  const stack = makeStack('shop', {
    api: { 'x-bricks': { port: 8080, autoscale: { min: 1, max: 4, concurrency: 8, window: '30s' } } },
    cold: { 'x-bricks': { port: 8081, autoscale: { min: 0, max: 2, idle: '45s' } } },
  });
  const objs = json(renderManifests(stack, { sha, prometheusUrl: 'http://prom.example:9090' }));
  type So = { spec: { cooldownPeriod: number; triggers: Array<{ type: string; metadata: Record<string, string> }> } };
  const so = (name: string) => byKind<So>(objs, 'ScaledObject').find((o) => o.metadata.name === name)!;
  const c = so('api').spec.triggers[0]!;
  assert.equal(c.metadata['query'], 'sum(rate(rpc_server_call_duration_seconds_sum{stack="shop",service="api"}[30s]))');
  assert.equal(c.metadata['threshold'], '8');
  assert.equal(c.metadata['serverAddress'], 'http://prom.example:9090');
  assert.equal(so('cold').spec.cooldownPeriod, 45);
  assert.deepEqual(so('cold').spec.triggers.map((tr) => tr.type), ['prometheus', 'external-push']);
  assert.equal(so('cold').spec.triggers[0]!.metadata['threshold'], '10');
});

test('scale to zero: callers reach the service through the KEDA interceptor, which the InterceptorRoute points back at it', () => {
  const stack = makeStack('shop', {
    api: { 'x-bricks': { port: 8080 } },
    cold: { 'x-bricks': { port: 8081, autoscale: { min: 0, max: 2, concurrency: 4 } } },
  });
  const objs = json(renderManifests(stack, { sha, namespace: 'prod' }));
  const env = Object.fromEntries((container(deployment(objs, 'api')).env ?? []).map((e) => [e.name, e.value]));
  assert.equal(env['COLD_URL'], 'http://cold-activator:8080');
  const activator = byKind<IService>(objs, 'Service').find((s) => s.metadata.name === 'cold-activator');
  assert.equal(activator?.spec?.type, 'ExternalName');
  assert.equal(activator?.spec?.externalName, 'keda-add-ons-http-interceptor-proxy.keda.svc.cluster.local');
  type Ir = { apiVersion: string; spec: { target: { service: string; portName: string }; rules: Array<{ hosts: string[] }>; scalingMetric: unknown; timeouts: { readiness: string } } };
  const [ir] = byKind<Ir>(objs, 'InterceptorRoute');
  assert.ok(ir);
  assert.equal(ir.apiVersion, 'http.keda.sh/v1beta1');
  assert.deepEqual(ir.spec.target, { service: 'cold', portName: 'http' });
  assert.ok(ir.spec.rules[0]!.hosts.includes('cold-activator'));
  assert.ok(ir.spec.rules[0]!.hosts.includes('cold-activator.prod.svc.cluster.local'));
  assert.deepEqual(ir.spec.scalingMetric, { concurrency: { targetValue: 4 } });
  assert.equal(ir.spec.timeouts.readiness, '30s');
  // The interceptor forwards to the ClusterIP Service: it exists and has the named port.
  assert.ok(byKind<IService>(objs, 'Service').find((s) => s.metadata.name === 'cold')?.spec?.ports?.some((p) => p.name === 'http'));
});

test('the InterceptorRoute schema refuses what the CRD refuses, naming the field', async () => {
  const { InterceptorRoute } = await import('./keda/interceptor-route.ts');
  const bad = new InterceptorRoute({ metadata: { name: 'x' }, spec: { target: { service: 'x', port: 80, portName: 'http' }, scalingMetric: {} } });
  assert.throws(() => bad.validate(), /\/spec\/target must match exactly one schema in oneOf.*\/spec\/scalingMetric/);
});

test('pods carry scrape annotations when they serve /metrics; ServiceMonitors only when asked, relabelled to bricks\' labels', (t) => {
  const stack = arcadeLike(fixtureDir(t));
  const plain = json(renderManifests(stack, { sha }));
  assert.deepEqual(byKind(plain, 'ServiceMonitor'), []);
  const ann = deployment(plain, 'catalog').spec?.template.metadata?.annotations ?? {};
  assert.equal(ann['prometheus.io/scrape'], 'true');
  assert.equal(ann['prometheus.io/port'], '8081');
  assert.equal(ann['prometheus.io/path'], '/metrics');
  assert.equal(ann['bricks.dev/service'], 'catalog');
  assert.equal(deployment(plain, 'db').spec?.template.metadata?.annotations?.['prometheus.io/scrape'], undefined, 'postgres serves no /metrics');

  const objs = json(renderManifests(stack, { sha, serviceMonitors: true, namespace: 'prod' }));
  type Sm = { spec: { selector: { matchLabels: Record<string, string> }; namespaceSelector: { matchNames: string[] }; endpoints: Array<{ port: string; path: string; relabelings: Array<{ action: string; sourceLabels: string[]; targetLabel?: string; regex?: string }> }> } };
  const sms = byKind<Sm>(objs, 'ServiceMonitor');
  assert.ok(!sms.some((s) => s.metadata.name === 'db'));
  const sm = sms.find((s) => s.metadata.name === 'catalog')!;
  assert.ok(subset(sm.spec.selector.matchLabels, byKind<IService>(objs, 'Service').find((s) => s.metadata.name === 'catalog')?.metadata?.labels));
  assert.deepEqual(sm.spec.namespaceSelector.matchNames, ['prod']);
  const ep = sm.spec.endpoints[0]!;
  assert.equal(ep.port, 'http');
  assert.deepEqual(ep.relabelings[0], { action: 'drop', sourceLabels: ['__meta_kubernetes_service_name'], regex: 'catalog-headless' });
  assert.deepEqual(ep.relabelings.map((r) => r.targetLabel).filter(Boolean), ['stack', 'service', 'replica', 'version']);
  assert.equal(ep.relabelings[2]!.sourceLabels[0], '__meta_kubernetes_pod_annotation_bricks_dev_service');
});

test('an HPA without a target scales on CPU, so its pods get a CPU request to measure against', () => {
  const objs = json(renderManifests(makeStack('s', { web: { 'x-bricks': { port: 8080, autoscale: { min: 1, max: 3 } } } }), { sha }));
  assert.equal(byKind(objs, 'HorizontalPodAutoscaler').length, 1);
  assert.equal(container(deployment(objs, 'web')).resources?.requests?.['cpu'], '100m');
});
