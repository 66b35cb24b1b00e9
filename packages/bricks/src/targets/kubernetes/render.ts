// A release as Kubernetes objects: every object built with kubernetes-models and validated
// against the Kubernetes schemas before it is handed out.
import type { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import type { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import type { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import type { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import type { ConfigMap, PersistentVolumeClaim, Secret, Service as KubeService } from 'kubernetes-models/v1';
import type { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import type { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { ENGINE_PROMETHEUS_URL } from '../engine-defaults.ts';
import type { InterceptorRoute } from './keda/interceptor-route.ts';
import { renderActivatorService, renderInterceptorRoute, renderScaledObject } from './keda/scaled-object.ts';
import { renderServiceMonitor } from './monitoring.ts';
import type { Stack } from '../../stack/model.ts';
import { imageSource } from '../service-shape.ts';
import { TargetError } from '../errors.ts';
import { imageRef } from '../naming.ts';
import type { RenderContext } from './context.ts';
import { renderDeployment } from './deployment.ts';
import { renderStatefulSet } from './statefulset.ts';
import { renderIngress } from './ingress.ts';
import { renderAutoscaler, renderDisruptionBudget } from './scaling.ts';
import { renderServices } from './services.ts';
import { renderSources } from './sources.ts';
import { renderVolumeClaims } from './volumes.ts';

export type KubeObject =
  | Deployment
  | StatefulSet
  | KubeService
  | HorizontalPodAutoscaler
  | PodDisruptionBudget
  | Ingress
  | Secret
  | ConfigMap
  | PersistentVolumeClaim
  | ScaledObject
  | InterceptorRoute
  | ServiceMonitor;

export interface ManifestOptions {
  /** The release's git SHA: the image tag and the version label. */
  readonly sha: string;
  /** Registry prefix of the images (`registry.example.com/team`). */
  readonly registry?: string;
  readonly namespace?: string;
  /** Image per service, when known (from `buildImages`); overrides the computed reference. */
  readonly images?: Readonly<Record<string, string>>;
  /** Where KEDA's Prometheus triggers query. Default ENGINE_PROMETHEUS_URL. */
  readonly prometheusUrl?: string;
  /** A ServiceMonitor per service that serves /metrics (the Prometheus Operator's CRD). Default off. */
  readonly serviceMonitors?: boolean;
}

export function renderContext(stack: Stack, opts: ManifestOptions): RenderContext {
  return {
    stack,
    sha: opts.sha,
    namespace: opts.namespace,
    prometheusUrl: opts.prometheusUrl ?? ENGINE_PROMETHEUS_URL,
    serviceMonitors: opts.serviceMonitors === true,
    image: (service) => {
      const given = opts.images?.[service.name];
      if (given) return given;
      const src = imageSource(service);
      return src.kind === 'external' ? src.ref : imageRef(stack.name, service.name, opts.sha, opts.registry);
    },
  };
}

function validated(obj: KubeObject): KubeObject {
  try {
    obj.validate();
  } catch (err) {
    const what = `${obj.kind} ${obj.metadata?.name ?? '?'}`;
    throw new TargetError('invalid-stack', `${what} does not validate: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  return obj;
}

/**
 * Secrets, ConfigMaps and PersistentVolumeClaims first (pods mount them), then per service in file order: Deployment
 * (a StatefulSet for a backing service), ClusterIP and headless Services, HPA or KEDA's ScaledObject (with an
 * InterceptorRoute and its activator Service for scale to zero), PodDisruptionBudget, Ingress, ServiceMonitor.
 * Throws TargetError (`invalid-stack`, `unreadable-source`).
 */
export function renderManifests(stack: Stack, opts: ManifestOptions): KubeObject[] {
  const ctx = { ...renderContext(stack, opts), hashSources: true };
  const out: KubeObject[] = [...renderSources(ctx), ...renderVolumeClaims(ctx)];
  for (const service of Object.values(stack.services)) {
    // A backing service (a database) is state: a StatefulSet with its claim; the rest are cattle.
    out.push(service.backing === undefined ? renderDeployment(ctx, service) : renderStatefulSet(ctx, service), ...renderServices(ctx, service));
    const extras = [
      renderAutoscaler(ctx, service), renderScaledObject(ctx, service), renderInterceptorRoute(ctx, service),
      renderActivatorService(ctx, service), renderDisruptionBudget(ctx, service), renderIngress(ctx, service),
      renderServiceMonitor(ctx, service),
    ];
    for (const o of extras) if (o) out.push(o);
  }
  return out.map(validated);
}
