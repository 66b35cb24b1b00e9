// What every Kubernetes object renderer needs to know about the release besides the service:
// the stack, the version labels, where images come from and how services address each other.
import type { Service, Stack } from '../../stack/model.ts';
import { isEdge } from '../service-shape.ts';
import { dnsLabel } from '../naming.ts';

export interface RenderContext {
  readonly stack: Stack;
  /** The release's git SHA: image tag and `app.kubernetes.io/version`. */
  readonly sha: string;
  readonly namespace: string | undefined;
  /** The image reference of a service. */
  readonly image: (service: Service) => string;
  /**
   * Name each Secret and ConfigMap with a hash of its content, so a new value is a new object and
   * only the Deployments that mount it roll (plain manifests; a Helm chart takes its values at install).
   */
  readonly hashSources?: boolean;
  /** Where KEDA's Prometheus triggers query (engine-defaults.ts: ENGINE_PROMETHEUS_URL). */
  readonly prometheusUrl: string;
  /** Render a ServiceMonitor per service that serves /metrics (needs the Prometheus Operator's CRDs). */
  readonly serviceMonitors: boolean;
}

/** Labels that select a service's pods. Never the version: a Deployment's selector is immutable. */
export function selectorLabels(ctx: RenderContext, service: Service): Record<string, string> {
  return {
    'app.kubernetes.io/name': dnsLabel(service.name),
    'app.kubernetes.io/part-of': dnsLabel(ctx.stack.name),
  };
}

export function objectLabels(ctx: RenderContext, service: Service | null): Record<string, string> {
  const base: Record<string, string> = {
    'app.kubernetes.io/part-of': dnsLabel(ctx.stack.name),
    'app.kubernetes.io/version': ctx.sha.slice(0, 63),
    'app.kubernetes.io/managed-by': 'bricks',
  };
  return service ? { ...selectorLabels(ctx, service), ...base } : base;
}

export function metadata(ctx: RenderContext, name: string, service: Service | null) {
  return {
    name,
    ...(ctx.namespace ? { namespace: ctx.namespace } : {}),
    labels: objectLabels(ctx, service),
  };
}

/** The headless Service's name: its DNS name resolves to every ready pod's address. */
export function headlessName(service: Service): string {
  return `${dnsLabel(service.name).slice(0, 54)}-headless`;
}

/**
 * The host in `<NAME>_URL`. SDK clients balance on the client side over DNS A records, so
 * for them the headless Service is the address: the same behaviour as Swarm's `dnsrr`
 * endpoint mode. The edge keeps its ClusterIP name, as it keeps its VIP on Swarm.
 */
export function addressHost(service: Service): string {
  return isEdge(service) ? dnsLabel(service.name) : headlessName(service);
}
