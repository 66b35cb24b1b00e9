// The release as a Helm chart: the same objects as the plain manifests, with the image tag,
// registry, replicas, autoscaler bounds, ingress host/class and secret values taken from
// values.yaml, and names and labels from _helpers.tpl.
import { stringify } from 'yaml';
import type { Stack, Service } from '../../../stack/model.ts';
import { engineReplicas } from '../../engine-defaults.ts';
import { imageSource, isEdge } from '../../service-shape.ts';
import { dnsLabel, imageRepository } from '../../naming.ts';
import { renderContext } from '../render.ts';
import type { KubeObject } from '../render.ts';
import { renderDeployment } from '../deployment.ts';
import { renderStatefulSet } from '../statefulset.ts';
import { renderAutoscaler, renderDisruptionBudget, scalingPlan } from '../scaling.ts';
import { renderActivatorService, renderInterceptorRoute, renderScaledObject } from '../keda/scaled-object.ts';
import { renderServiceMonitor } from '../monitoring.ts';
import { ENGINE_PROMETHEUS_URL } from '../../engine-defaults.ts';
import { renderServices } from '../services.ts';
import { renderSources } from '../sources.ts';
import { claimMountName, claimName, defaultClaimSize, renderVolumeClaims } from '../volumes.ts';
import { servicePortName } from '../ports.ts';
import { Holes } from './holes.ts';

export interface HelmOptions {
  readonly sha: string;
  readonly registry?: string;
  /**
   * Per service, the tag its image exists under when that is not the SHA: an image reused from
   * an earlier release keeps that release's tag (bricks neither rebuilds nor pushes it again), and
   * its pods stay as they are. From `buildImages` (`manifests --helm --images`).
   */
  readonly tags?: Readonly<Record<string, string>>;
  /** values.yaml's `autoscaling.prometheusUrl` (default ENGINE_PROMETHEUS_URL). */
  readonly prometheusUrl?: string;
  /** values.yaml's `serviceMonitor.enabled` (default false). */
  readonly serviceMonitors?: boolean;
}

/** Chart-relative path → file content. */
export type ChartFiles = Record<string, string>;

type Json = Record<string, unknown>;
type Jsonish = { metadata: Json; spec?: Json; data?: Record<string, string> };

function helpers(chart: string): string {
  return `{{/* Names and labels shared by every template of ${chart}. */}}
{{- define "${chart}.selectorLabels" -}}
app.kubernetes.io/name: {{ .service }}
app.kubernetes.io/part-of: {{ .root.Values.stack }}
{{- end }}

{{- define "${chart}.labels" -}}
{{- if .service -}}
app.kubernetes.io/name: {{ .service }}
{{ end -}}
app.kubernetes.io/part-of: {{ .root.Values.stack }}
app.kubernetes.io/version: {{ .root.Values.image.tag | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ .root.Chart.Name }}-{{ .root.Chart.Version }}
{{- end }}

{{- define "${chart}.image" -}}
{{- if .root.Values.image.registry -}}
{{ .root.Values.image.registry }}/
{{- end -}}
{{ (index .root.Values.services .service).repository }}:{{ (index .root.Values.services .service).tag | default .root.Values.image.tag }}
{{- end }}
`;
}

function ingressTemplate(chart: string, service: Service): string {
  const name = dnsLabel(service.name);
  return `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ${name}
  labels:
    {{- include "${chart}.labels" (dict "service" "${name}" "root" $) | nindent 4 }}
spec:
  {{- if .Values.ingress.className }}
  ingressClassName: {{ .Values.ingress.className | quote }}
  {{- end }}
  rules:
    - {{- if .Values.ingress.host }}
      host: {{ .Values.ingress.host | quote }}
      {{- end }}
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: ${name}
                port:
                  name: ${servicePortName}
`;
}

function labelsExpr(chart: string, service: Service | null): string {
  const svc = service ? `"service" "${dnsLabel(service.name)}" ` : '';
  return `include "${chart}.labels" (dict ${svc}"root" $)`;
}

function selectorExpr(chart: string, service: Service): string {
  return `include "${chart}.selectorLabels" (dict "service" "${dnsLabel(service.name)}" "root" $)`;
}

const valuesOf = (service: Service): string => `(index .Values.services ${JSON.stringify(service.name)})`;

function templatize(obj: KubeObject, service: Service | null, chart: string, holes: Holes): string {
  const o = obj.toJSON() as unknown as Jsonish;
  o.metadata['labels'] = holes.block(labelsExpr(chart, service));
  delete o.metadata['namespace'];
  const spec = o.spec ?? {};
  switch (obj.kind) {
    case 'Deployment':
    case 'StatefulSet': {
      if (!service) break;
      (spec['selector'] as Json)['matchLabels'] = holes.block(selectorExpr(chart, service));
      const template = spec['template'] as { metadata: Json; spec: { containers: Json[] } };
      template.metadata['labels'] = holes.block(labelsExpr(chart, service));
      if (spec['replicas'] !== undefined) spec['replicas'] = holes.scalar(`${valuesOf(service)}.replicas`);
      const container = template.spec.containers[0];
      if (container && imageSource(service).kind === 'built') {
        container['image'] = holes.scalar(`include "${chart}.image" (dict "service" ${JSON.stringify(service.name)} "root" $) | quote`);
        container['imagePullPolicy'] = holes.scalar('.Values.image.pullPolicy');
      }
      // A database's claim templates are sized as the other claims are, by their volume's value.
      for (const t of (spec['volumeClaimTemplates'] as { metadata: Json; spec: { resources: { requests: Json } } }[] | undefined) ?? []) {
        const volume = service.volumes.find((v) => v.source !== undefined && claimMountName(v.source) === t.metadata['name'])?.source;
        if (volume !== undefined) t.spec.resources.requests['storage'] = holes.scalar(`(index .Values.volumes ${JSON.stringify(claimName(volume))}).size | quote`);
      }
      break;
    }
    case 'Service':
      // An ExternalName Service (a scale-to-zero service's activator) selects no pods.
      if (service && spec['type'] !== 'ExternalName') spec['selector'] = holes.block(selectorExpr(chart, service));
      break;
    case 'ServiceMonitor':
      if (service) (spec['selector'] as Json)['matchLabels'] = holes.block(selectorExpr(chart, service));
      break;
    case 'ScaledObject': {
      if (!service) break;
      spec['minReplicaCount'] = holes.scalar(`${valuesOf(service)}.autoscale.min`);
      spec['maxReplicaCount'] = holes.scalar(`${valuesOf(service)}.autoscale.max`);
      for (const t of spec['triggers'] as Array<{ type: string; metadata: Json }>) {
        if (t.type === 'prometheus') t.metadata['serverAddress'] = holes.scalar('.Values.autoscaling.prometheusUrl | quote');
      }
      break;
    }
    case 'PodDisruptionBudget':
      if (service) (spec['selector'] as Json)['matchLabels'] = holes.block(selectorExpr(chart, service));
      break;
    case 'HorizontalPodAutoscaler':
      if (!service) break;
      spec['minReplicas'] = holes.scalar(`${valuesOf(service)}.autoscale.min`);
      spec['maxReplicas'] = holes.scalar(`${valuesOf(service)}.autoscale.max`);
      break;
    case 'Secret':
      for (const key of Object.keys(o.data ?? {})) {
        const hint = `set secrets.${key} (helm --set-file secrets.${key}=FILE)`;
        o.data![key] = holes.scalar(`required ${JSON.stringify(hint)} (index .Values.secrets ${JSON.stringify(key)}) | b64enc | quote`);
      }
      break;
    case 'PersistentVolumeClaim': {
      // The claim is named after its volume (claimName); its size is a value, as an operator
      // sizes a database's storage per installation.
      const requests = (spec['resources'] as { requests: Json }).requests;
      requests['storage'] = holes.scalar(`(index .Values.volumes ${JSON.stringify(volumeOfClaim(o))}).size | quote`);
      break;
    }
    case 'ConfigMap':
    case 'Ingress':
    case 'InterceptorRoute':
      break;
  }
  return holes.fill(stringify(o, { lineWidth: 0 }));
}

function volumeOfClaim(o: Jsonish): string {
  const name = o.metadata['name'];
  if (typeof name !== 'string') throw new Error('a PersistentVolumeClaim without a name');
  return name;
}

function valuesYaml(stack: Stack, opts: HelmOptions, secretKeys: string[], claims: readonly string[]): string {
  const services: Record<string, Json> = {};
  for (const s of Object.values(stack.services)) {
    const v: Json = {};
    if (imageSource(s).kind === 'built') {
      v['repository'] = imageRepository(stack.name, s.name);
      const tag = opts.tags?.[s.name];
      if (tag !== undefined && tag !== opts.sha) v['tag'] = tag;
    }
    const plan = scalingPlan(s);
    switch (plan.kind) {
      case 'fixed':
        v['replicas'] = engineReplicas(s);
        break;
      case 'hpa':
        // The HPA keeps one pod at least (zero needs the HPAScaleToZero feature gate).
        v['autoscale'] = { min: Math.max(1, plan.autoscale.min), max: plan.autoscale.max };
        break;
      case 'keda':
        v['autoscale'] = { min: plan.autoscale.min, max: plan.autoscale.max };
        break;
    }
    services[s.name] = v;
  }
  const values = {
    stack: dnsLabel(stack.name),
    image: { registry: opts.registry ?? '', tag: opts.sha, pullPolicy: 'IfNotPresent' },
    ingress: { className: '', host: '' },
    autoscaling: { prometheusUrl: opts.prometheusUrl ?? ENGINE_PROMETHEUS_URL },
    serviceMonitor: { enabled: opts.serviceMonitors === true },
    services,
    ...(claims.length > 0 ? { volumes: Object.fromEntries(claims.map((c) => [c, { size: defaultClaimSize }])) } : {}),
    secrets: Object.fromEntries(secretKeys.map((k) => [k, ''])),
  };
  return `# Values for the ${stack.name} stack, release ${opts.sha}.
# image.tag is the release's git SHA (a service's own tag, when set, names the earlier release
# its unchanged image was built at); volumes.NAME.size is the storage each named volume's
# claim asks for; secrets are empty on purpose: pass them at install time with
# --set-file secrets.NAME=PATH so they never sit in the chart. autoscaling.prometheusUrl is where
# KEDA's Prometheus triggers query; serviceMonitor.enabled renders a ServiceMonitor per service
# that serves /metrics (needs the Prometheus Operator's CRDs).
${stringify(values, { lineWidth: 0 })}`;
}

export function renderHelmChart(stack: Stack, opts: HelmOptions): ChartFiles {
  const chart = dnsLabel(stack.name);
  const ctx = renderContext(stack, { sha: opts.sha, serviceMonitors: true, ...(opts.registry ? { registry: opts.registry } : {}) });
  const holes = new Holes();
  const files: ChartFiles = {
    'Chart.yaml': stringify({
      apiVersion: 'v2',
      name: chart,
      description: `The ${stack.name} stack, generated by bricks from ${stack.file.split('/').pop() ?? 'its stack file'}.`,
      type: 'application',
      version: '0.1.0',
      appVersion: opts.sha,
    }),
    'templates/_helpers.tpl': helpers(chart),
  };
  const sources = renderSources(ctx, { readSecrets: false });
  const secretKeys = sources.filter((o) => o.kind === 'Secret').flatMap((o) => Object.keys(o.data ?? {}));
  const header = (what: string) => `# ${what}. Generated by bricks; edit the stack file instead.\n`;
  if (sources.length > 0) {
    files['templates/sources.yaml'] = header('Secrets and ConfigMaps')
      + sources.map((o) => templatize(o, null, chart, holes)).join('---\n');
  }
  const claims = renderVolumeClaims(ctx);
  if (claims.length > 0) {
    files['templates/volumes.yaml'] = header('PersistentVolumeClaims of the named volumes') + claims.map((o) => templatize(o, null, chart, holes)).join('---\n');
  }
  for (const service of Object.values(stack.services)) {
    const objs: KubeObject[] = [service.backing === undefined ? renderDeployment(ctx, service) : renderStatefulSet(ctx, service), ...renderServices(ctx, service)];
    const extras = [
      renderAutoscaler(ctx, service), renderScaledObject(ctx, service), renderInterceptorRoute(ctx, service),
      renderActivatorService(ctx, service), renderDisruptionBudget(ctx, service),
    ];
    for (const extra of extras) if (extra) objs.push(extra);
    const docs = objs.map((o) => templatize(o, service, chart, holes));
    if (isEdge(service)) docs.push(ingressTemplate(chart, service));
    files[`templates/${dnsLabel(service.name)}.yaml`] = header(`Service ${service.name}`) + docs.join('---\n');
  }
  const monitors = Object.values(stack.services).flatMap((s) => {
    const m = renderServiceMonitor(ctx, s);
    return m ? [templatize(m, s, chart, holes)] : [];
  });
  if (monitors.length > 0) {
    // Off unless asked for: a cluster without the Prometheus Operator's CRDs refuses the kind.
    files['templates/servicemonitors.yaml'] = `${header('ServiceMonitors for the Prometheus Operator')}{{- if .Values.serviceMonitor.enabled }}\n${monitors.join('---\n')}{{- end }}\n`;
  }
  const templated = Object.values(stack.services).filter((s) => s.backing !== undefined).flatMap((s) => s.volumes.flatMap((v) => (v.type === 'volume' && v.source !== undefined ? [claimName(v.source)] : [])));
  files['values.yaml'] = valuesYaml(stack, opts, secretKeys, [...claims.map((c) => c.metadata?.name ?? ''), ...templated]);
  return files;
}
