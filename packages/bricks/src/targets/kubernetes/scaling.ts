// HorizontalPodAutoscalers from `x-bricks.autoscale`, and PodDisruptionBudgets that keep one
// pod of every replicated service up through voluntary disruptions (drains, upgrades).
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import type { IMetricSpec } from 'kubernetes-models/autoscaling/v2';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import type { Service } from '../../stack/model.ts';
import { engineReplicas } from '../engine-defaults.ts';
import { autoscaleOf } from '../service-shape.ts';
import { dnsLabel } from '../naming.ts';
import { metadata, selectorLabels } from './context.ts';
import type { RenderContext } from './context.ts';

/** The per-pod metric an `rps` target scales on; it needs a custom-metrics adapter (for example
 * prometheus-adapter) that serves it from the SDK's request counter. */
export const rpsMetricName = 'http_requests_per_second';

export function renderAutoscaler(ctx: RenderContext, service: Service): HorizontalPodAutoscaler | null {
  const a = autoscaleOf(service);
  if (!a) return null;
  const metrics: IMetricSpec[] = [];
  if (a.cpu !== null) {
    metrics.push({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: a.cpu } } });
  }
  if (a.rps !== null) {
    metrics.push({ type: 'Pods', pods: { metric: { name: rpsMetricName }, target: { type: 'AverageValue', averageValue: String(a.rps) } } });
  }
  const name = dnsLabel(service.name);
  return new HorizontalPodAutoscaler({
    metadata: metadata(ctx, name, service),
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      // Scale to zero needs the HPAScaleToZero feature gate; stable Kubernetes keeps one pod.
      minReplicas: Math.max(1, a.min),
      maxReplicas: a.max,
      ...(metrics.length > 0 ? { metrics } : {}),
    },
  });
}

/** The fewest pods the service runs: its replicas, or the autoscaler's floor. */
export function minimumPods(service: Service): number {
  const a = autoscaleOf(service);
  return a ? Math.max(1, a.min) : engineReplicas(service);
}

export function renderDisruptionBudget(ctx: RenderContext, service: Service): PodDisruptionBudget | null {
  if (minimumPods(service) <= 1) return null;
  return new PodDisruptionBudget({
    metadata: metadata(ctx, dnsLabel(service.name), service),
    spec: { minAvailable: 1, selector: { matchLabels: selectorLabels(ctx, service) } },
  });
}
