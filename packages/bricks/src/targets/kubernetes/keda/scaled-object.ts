// KEDA's objects for a service the HPA alone cannot scale (scaling.ts decides which):
// - a ScaledObject with a Prometheus trigger per load target (the SDK's server histogram, read
//   as PromQL: observability/load-queries.ts) and a CPU trigger; KEDA makes and owns the HPA;
// - with min 0, the HTTP add-on's InterceptorRoute and an `<name>-activator` Service: callers'
//   `<NAME>_URL` points at the add-on's interceptor, which holds a request while a pod starts,
//   and its external scaler (an `external-push` trigger) wakes the Deployment from zero.
import { formatDuration } from '@bricks/sdk/duration';
import { ScaledObject, type IScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';

/** One trigger of a ScaledObject (the model names no type of its own for it). */
type IScaleTriggers = IScaledObject['spec']['triggers'][number];
import { Service as KubeService } from 'kubernetes-models/v1';
import { concurrencyQuery, rpsQuery } from '../../../observability/load-queries.ts';
import type { Service } from '../../../stack/model.ts';
import { ENGINE_AUTOSCALE, KEDA_HTTP_ADDON } from '../../engine-defaults.ts';
import { dnsLabel } from '../../naming.ts';
import { metadata } from '../context.ts';
import type { RenderContext } from '../context.ts';
import { servicePortName } from '../ports.ts';
import { hpaBehavior, scalingPlan } from '../scaling.ts';
import { InterceptorRoute } from './interceptor-route.ts';

/** A new pod not ready by then is not coming (the local platform's and Kubernetes' startup budget). */
const DEFAULT_READY_TIMEOUT_MS = 30_000;

/** The ExternalName Service that callers of a scale-to-zero service address. */
export function activatorName(service: Service): string {
  return `${dnsLabel(service.name).slice(0, 53)}-activator`;
}

/** Whether callers reach the service through the add-on's interceptor (it scales to zero). */
export function throughActivator(service: Service): boolean {
  const plan = scalingPlan(service);
  return plan.kind === 'keda' && plan.fromZero;
}

const seconds = (ms: number): number => Math.max(1, Math.round(ms / 1000));

function triggers(ctx: RenderContext, service: Service): IScaleTriggers[] {
  const plan = scalingPlan(service);
  if (plan.kind !== 'keda') return [];
  const a = plan.autoscale;
  const window = formatDuration(a.spec.windowMs ?? ENGINE_AUTOSCALE.windowMs);
  const out: IScaleTriggers[] = [];
  const prometheus = (name: string, query: string, target: number): IScaleTriggers => ({
    type: 'prometheus',
    name,
    // The query is the service's total; KEDA divides it by the pods running.
    metricType: 'AverageValue',
    metadata: { serverAddress: ctx.prometheusUrl, query, threshold: String(target) },
  });
  const concurrency = a.concurrency ?? (a.rps === null && a.cpu === null ? ENGINE_AUTOSCALE.concurrency : null);
  if (concurrency !== null) out.push(prometheus('concurrency', concurrencyQuery(ctx.stack.name, service.name, window), concurrency));
  if (a.rps !== null) out.push(prometheus('rps', rpsQuery(ctx.stack.name, service.name, window), a.rps));
  if (a.cpu !== null) out.push({ type: 'cpu', name: 'cpu', metricType: 'Utilization', metadata: { value: String(a.cpu) } });
  if (plan.fromZero) {
    out.push({ type: 'external-push', name: 'activator', metadata: { scalerAddress: KEDA_HTTP_ADDON.scalerAddress, interceptorRoute: dnsLabel(service.name) } });
  }
  return out;
}

export function renderScaledObject(ctx: RenderContext, service: Service): ScaledObject | null {
  const plan = scalingPlan(service);
  if (plan.kind !== 'keda') return null;
  const a = plan.autoscale;
  const name = dnsLabel(service.name);
  return new ScaledObject({
    metadata: metadata(ctx, name, service),
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      minReplicaCount: a.min,
      maxReplicaCount: a.max,
      pollingInterval: seconds(ENGINE_AUTOSCALE.pollingIntervalMs),
      // From 1 to 0 only after this long without load (KEDA's cooldown; 1 → n is the HPA's).
      cooldownPeriod: seconds(a.spec.idleMs ?? ENGINE_AUTOSCALE.idleMs),
      advanced: { horizontalPodAutoscalerConfig: { behavior: hpaBehavior(a) } },
      triggers: triggers(ctx, service),
    },
  });
}

export function renderInterceptorRoute(ctx: RenderContext, service: Service): InterceptorRoute | null {
  const plan = scalingPlan(service);
  if (plan.kind !== 'keda' || !plan.fromZero) return null;
  const a = plan.autoscale;
  const host = activatorName(service);
  // The interceptor routes on the Host header: callers send the activator's name (with the
  // interceptor's port, as an HTTP client writes it).
  const hosts = [host, `${host}:${KEDA_HTTP_ADDON.interceptorPort}`];
  if (ctx.namespace) hosts.push(`${host}.${ctx.namespace}`, `${host}.${ctx.namespace}.svc.cluster.local`);
  const scalingMetric = a.concurrency === null && a.rps !== null
    ? { requestRate: { targetValue: Math.max(1, Math.round(a.rps)), window: formatDuration(a.spec.windowMs ?? ENGINE_AUTOSCALE.windowMs) } }
    : { concurrency: { targetValue: Math.max(1, Math.round(a.concurrency ?? ENGINE_AUTOSCALE.concurrency)) } };
  return new InterceptorRoute({
    metadata: metadata(ctx, dnsLabel(service.name), service),
    spec: {
      target: { service: dnsLabel(service.name), portName: servicePortName },
      rules: [{ hosts }],
      scalingMetric,
      // The hold is bounded: a request waits at most this long for a pod, then fails.
      timeouts: { readiness: formatDuration(service.bricks.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS) },
    },
  });
}

/** `<name>-activator`: a DNS name for the add-on's interceptor in the service's namespace. */
export function renderActivatorService(ctx: RenderContext, service: Service): KubeService | null {
  if (!throughActivator(service)) return null;
  return new KubeService({
    metadata: metadata(ctx, activatorName(service), service),
    spec: {
      type: 'ExternalName',
      externalName: KEDA_HTTP_ADDON.interceptor,
      ports: [{ name: servicePortName, port: KEDA_HTTP_ADDON.interceptorPort, protocol: 'TCP' }],
    },
  });
}
