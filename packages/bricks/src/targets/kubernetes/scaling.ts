// Which Kubernetes autoscaler a service gets from `x-bricks.autoscale`, and the HPA and
// PodDisruptionBudget. The HPA alone scales on CPU (metrics-server is in every cluster); what it
// cannot do (go to zero, scale on requests in flight or per second from the SDK's metrics)
// goes to KEDA (keda/scaled-object.ts), which then owns the HPA: a Deployment never has both.
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import type { IHorizontalPodAutoscalerBehavior, IMetricSpec } from 'kubernetes-models/autoscaling/v2';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import type { Service } from '../../stack/model.ts';
import { ENGINE_AUTOSCALE, engineReplicas } from '../engine-defaults.ts';
import { autoscaleOf } from '../service-shape.ts';
import type { Autoscale } from '../service-shape.ts';
import { dnsLabel } from '../naming.ts';
import { metadata, selectorLabels } from './context.ts';
import type { RenderContext } from './context.ts';

export type ScalingPlan =
  | { readonly kind: 'fixed' }
  /** CPU only (or no target: the HPA's own 80% CPU), never below one pod. */
  | { readonly kind: 'hpa'; readonly autoscale: Autoscale }
  /** A KEDA ScaledObject; `fromZero` adds the HTTP add-on's InterceptorRoute that holds requests at zero. */
  | { readonly kind: 'keda'; readonly autoscale: Autoscale; readonly fromZero: boolean };

export function scalingPlan(service: Service): ScalingPlan {
  const a = autoscaleOf(service);
  if (a === null) return { kind: 'fixed' };
  if (a.min === 0 || a.concurrency !== null || a.rps !== null) return { kind: 'keda', autoscale: a, fromZero: a.min === 0 };
  return { kind: 'hpa', autoscale: a };
}

/**
 * The HPA's scaling behaviour from the stack's knobs, shared by the HPA and KEDA's (which passes
 * it on): the scale-down window, and with `max_scale_up_rate` a cap per HPA sync period (15 s).
 */
export function hpaBehavior(a: Autoscale): IHorizontalPodAutoscalerBehavior {
  const down = Math.round((a.spec.scaleDownDelayMs ?? ENGINE_AUTOSCALE.scaleDownDelayMs) / 1000);
  const rate = a.spec.maxScaleUpRate;
  return {
    scaleDown: { stabilizationWindowSeconds: down },
    ...(rate === undefined ? {} : {
      scaleUp: {
        // The local decision adds at least one replica per step; so does this policy pair.
        selectPolicy: 'Max',
        policies: [
          { type: 'Percent', value: Math.max(1, Math.round((rate - 1) * 100)), periodSeconds: 15 },
          { type: 'Pods', value: 1, periodSeconds: 15 },
        ],
      },
    }),
  };
}

export function renderAutoscaler(ctx: RenderContext, service: Service): HorizontalPodAutoscaler | null {
  const plan = scalingPlan(service);
  if (plan.kind !== 'hpa') return null;
  const a = plan.autoscale;
  const metrics: IMetricSpec[] = [];
  if (a.cpu !== null) {
    metrics.push({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: a.cpu } } });
  }
  const name = dnsLabel(service.name);
  return new HorizontalPodAutoscaler({
    metadata: metadata(ctx, name, service),
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      minReplicas: Math.max(1, a.min),
      maxReplicas: a.max,
      ...(metrics.length > 0 ? { metrics } : {}),
      behavior: hpaBehavior(a),
    },
  });
}

/** The fewest pods the service runs: its replicas, or the autoscaler's floor. */
export function minimumPods(service: Service): number {
  const a = autoscaleOf(service);
  return a ? a.min : engineReplicas(service);
}

export function renderDisruptionBudget(ctx: RenderContext, service: Service): PodDisruptionBudget | null {
  if (minimumPods(service) <= 1) return null;
  return new PodDisruptionBudget({
    metadata: metadata(ctx, dnsLabel(service.name), service),
    spec: { minAvailable: 1, selector: { matchLabels: selectorLabels(ctx, service) } },
  });
}
