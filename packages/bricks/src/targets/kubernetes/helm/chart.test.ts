import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'yaml';
import type { IDeployment } from 'kubernetes-models/apps/v1';
import type { IService } from 'kubernetes-models/v1';
import { arcadeLike, makeStack } from '../../testing/stack-fixture.ts';
import { helmTemplate, validateAll } from '../../testing/helm-template.ts';
import type { RenderedObject as Obj } from '../../testing/helm-template.ts';
import { renderHelmChart } from './chart.ts';
import { renderTemplates, TemplateError } from './go-template.ts';

const sha = 'fedcba9876543210fedcba9876543210fedcba98';

const secrets = { secrets: { db_password: 'hunter2' } };

test('the chart has Chart.yaml, values with the SHA as image tag and per-service replicas, and helpers', () => {
  const files = renderHelmChart(arcadeLike('/project'), { sha, registry: 'reg.example' });
  assert.ok(files['templates/_helpers.tpl']?.includes('define "arcade.labels"'));
  const chart = parse(files['Chart.yaml']!) as Record<string, string>;
  assert.equal(chart['apiVersion'], 'v2');
  assert.equal(chart['appVersion'], sha);
  const values = parse(files['values.yaml']!) as { image: { tag: string; registry: string }; services: Record<string, { replicas?: number; repository?: string }> };
  assert.equal(values.image.tag, sha);
  assert.equal(values.image.registry, 'reg.example');
  assert.equal(values.services['catalog']?.replicas, 2);
  assert.equal(values.services['catalog']?.repository, 'arcade-catalog');
  assert.equal(values.services['db']?.repository, undefined);
});

test('every rendered template validates against the Kubernetes schemas', () => {
  const objs = helmTemplate(renderHelmChart(arcadeLike('/project'), { sha }), secrets);
  assert.ok(objs.length >= 15);
  validateAll(objs);
  for (const o of objs) {
    assert.equal(o.metadata.labels['app.kubernetes.io/version'], sha);
    assert.equal(o.metadata.labels['helm.sh/chart'], 'arcade-0.1.0');
  }
});

test('rendered chart: selectors match pod labels, ports agree, HPA targets its Deployment, values flow in', () => {
  const objs = helmTemplate(renderHelmChart(arcadeLike('/project'), { sha }), {
    ...secrets,
    image: { registry: 'reg.example/team', tag: 'v2' },
    services: { catalog: { replicas: 5 }, analytics: { autoscale: { max: 9 } } },
    autoscaling: { prometheusUrl: 'http://prom.example:9090' },
    ingress: { host: 'arcade.example', className: 'nginx' },
  });
  // Workloads: the Deployments and db's StatefulSet (a postgres image is a backing service).
  const deployments = objs.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet') as unknown as Array<IDeployment & Obj>;
  const catalog = deployments.find((d) => d.metadata.name === 'catalog')!;
  assert.equal(catalog.spec?.replicas, 5);
  assert.equal(catalog.spec?.template.spec?.containers[0]?.image, 'reg.example/team/arcade-catalog:v2');
  assert.equal(deployments.find((d) => d.metadata.name === 'db')!.spec?.template.spec?.containers[0]?.image, 'postgres:16');
  assert.ok(catalog.spec?.template.spec?.containers[0]?.readinessProbe?.httpGet);
  for (const s of objs.filter((o) => o.kind === 'Service') as unknown as Array<IService & Obj>) {
    if (s.spec?.type === 'ExternalName') continue;
    const d = deployments.filter((dep) => Object.entries(s.spec?.selector ?? {}).every(([k, v]) => dep.spec?.template.metadata?.labels?.[k] === v));
    assert.equal(d.length, 1, `${s.metadata.name} selects one deployment`);
    const ports = d[0]!.spec?.template.spec?.containers[0]?.ports ?? [];
    for (const p of s.spec?.ports ?? []) assert.ok(ports.some((cp) => cp.name === p.targetPort && cp.containerPort === p.port));
  }
  for (const d of deployments) {
    const sel = d.spec?.selector.matchLabels ?? {};
    assert.ok(Object.entries(sel).every(([k, v]) => d.spec?.template.metadata?.labels?.[k] === v));
  }
  const so = objs.find((o) => o.kind === 'ScaledObject' && o.metadata.name === 'analytics') as unknown as { spec: { maxReplicaCount: number; minReplicaCount: number; scaleTargetRef: { name: string }; triggers: Array<{ type: string; metadata: Record<string, string> }> } };
  assert.equal(so.spec.maxReplicaCount, 9);
  assert.equal(so.spec.minReplicaCount, 2);
  assert.ok(deployments.some((d) => d.metadata.name === so.spec.scaleTargetRef.name));
  assert.equal(so.spec.triggers.find((t) => t.type === 'prometheus')?.metadata['serverAddress'], 'http://prom.example:9090');
  const thumbs = objs.find((o) => o.kind === 'ScaledObject' && o.metadata.name === 'thumbnails') as unknown as { spec: { minReplicaCount: number } };
  assert.equal(thumbs.spec.minReplicaCount, 0, 'KEDA, unlike the HPA, goes to zero');
  assert.ok(objs.some((o) => o.kind === 'InterceptorRoute' && o.metadata.name === 'thumbnails'));
  const activator = objs.find((o) => o.kind === 'Service' && o.metadata.name === 'thumbnails-activator') as unknown as IService;
  assert.equal(activator.spec?.selector, undefined, 'an ExternalName Service selects no pods');
  assert.ok(!objs.some((o) => o.kind === 'ServiceMonitor'), 'ServiceMonitors are off by default');
  const ingress = objs.find((o) => o.kind === 'Ingress') as unknown as { spec: { ingressClassName: string; rules: Array<{ host: string }> } };
  assert.equal(ingress.spec.ingressClassName, 'nginx');
  assert.equal(ingress.spec.rules[0]?.host, 'arcade.example');
  const secret = objs.find((o) => o.kind === 'Secret') as unknown as { data: Record<string, string> };
  assert.equal(Buffer.from(secret.data['db_password']!, 'base64').toString(), 'hunter2');
});

test('an image reused from an earlier release keeps its own tag in values; the rest follow image.tag', () => {
  const files = renderHelmChart(arcadeLike('/project'), { sha, registry: 'reg.example', tags: { catalog: 'old1234', scores: sha } });
  const values = parse(files['values.yaml']!) as { services: Record<string, { tag?: string }> };
  assert.equal(values.services['catalog']?.tag, 'old1234');
  assert.equal(values.services['scores']?.tag, undefined, 'a tag equal to the SHA is not repeated');
  const objs = helmTemplate(files, secrets);
  const image = (name: string) => ((objs.find((o) => o.kind === 'Deployment' && o.metadata.name === name) as unknown as IDeployment).spec?.template.spec?.containers[0]?.image);
  assert.equal(image('catalog'), 'reg.example/arcade-catalog:old1234');
  assert.equal(image('scores'), `reg.example/arcade-scores:${sha}`);
  // An upgrade that pins one service's tag by hand still works through values.
  const pinned = helmTemplate(files, { ...secrets, services: { scores: { tag: 'hotfix' } } });
  assert.equal(((pinned.find((o) => o.kind === 'Deployment' && o.metadata.name === 'scores') as unknown as IDeployment).spec?.template.spec?.containers[0]?.image), 'reg.example/arcade-scores:hotfix');
});

test('installing without a secret value fails, naming the value to set', () => {
  assert.throws(() => helmTemplate(renderHelmChart(arcadeLike('/project'), { sha })), (err: unknown) =>
    err instanceof TemplateError && err.message.includes('secrets.db_password'));
});

test('a literal {{ in the stack survives the chart unchanged', () => {
  const stack = makeStack('s', { web: { environment: { GREETING: 'hello {{ name }}' } } });
  const [dep] = helmTemplate(renderHelmChart(stack, { sha })).filter((o) => o.kind === 'Deployment') as unknown as IDeployment[];
  const env = dep?.spec?.template.spec?.containers[0]?.env ?? [];
  assert.equal(env.find((e) => e.name === 'GREETING')?.value, 'hello {{ name }}');
});

test('the template evaluator: trimming, if/else, include with dict, index, pipelines', () => {
  const out = renderTemplates({
    'a.tpl': '{{- define "x" -}}<{{ .n }}>{{- end }}',
    'b.yaml': 'v: {{ include "x" (dict "n" (index .m "k-1")) | quote }}\n{{- if .no }}\nnope{{ else }}\nyes: {{ .m.two | default "d" }}{{ end }}\n',
  }, { m: { 'k-1': 7, two: '' } });
  assert.equal(out['b.yaml'], 'v: "<7>"\nyes: d\n');
});

test('serviceMonitor.enabled renders a validated ServiceMonitor per service that serves /metrics', () => {
  const objs = helmTemplate(renderHelmChart(arcadeLike('/project'), { sha }), { ...secrets, serviceMonitor: { enabled: true } });
  validateAll(objs);
  const sms = objs.filter((o) => o.kind === 'ServiceMonitor').map((o) => o.metadata.name).sort();
  assert.deepEqual(sms, ['analytics', 'catalog', 'gateway', 'scores', 'thumbnails']);
});
