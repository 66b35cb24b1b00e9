// How Prometheus finds a service's pods on Kubernetes. Always: the `prometheus.io/*` pod
// annotations that annotation-driven scrape jobs read (Prometheus' own example kubernetes-pods
// job, most Helm charts), and `bricks.dev/*` ones that carry the stack's own names. With
// `--service-monitor`: a ServiceMonitor for the Prometheus Operator, relabelled to the labels
// every bricks target gives a replica (stack, service, replica, version), so the dashboards and
// KEDA's Prometheus triggers select alike everywhere. Behind a flag because a cluster without the
// operator's CRDs refuses the object (`kubectl apply` fails on it).
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { METRICS_PATH, SCRAPE_LABELS } from '../../observability/scrape-labels.ts';
import type { Service } from '../../stack/model.ts';
import { servicePort } from '../../stack/service-port.ts';
import { servesMetrics } from '../service-shape.ts';
import { dnsLabel } from '../naming.ts';
import { headlessName, metadata, selectorLabels } from './context.ts';
import type { RenderContext } from './context.ts';
import { servicePortName } from './ports.ts';

/** Annotations that carry the stack's and service's names as written (labels would have to be DNS-mangled). */
export const NAME_ANNOTATIONS = { stack: 'bricks.dev/stack', service: 'bricks.dev/service' } as const;

export function podAnnotations(ctx: RenderContext, service: Service): Record<string, string> {
  const names = { [NAME_ANNOTATIONS.stack]: ctx.stack.name, [NAME_ANNOTATIONS.service]: service.name };
  if (!servesMetrics(service)) return names;
  return {
    ...names,
    'prometheus.io/scrape': 'true',
    'prometheus.io/port': String(servicePort(service)),
    'prometheus.io/path': METRICS_PATH,
  };
}

/** Prometheus' name of a pod annotation's meta label (`bricks.dev/stack` → `..._bricks_dev_stack`). */
const annotationMeta = (key: string): string => `__meta_kubernetes_pod_annotation_${key.replace(/[^a-zA-Z0-9]/g, '_')}`;

export function renderServiceMonitor(ctx: RenderContext, service: Service): ServiceMonitor | null {
  if (!ctx.serviceMonitors || !servesMetrics(service)) return null;
  return new ServiceMonitor({
    metadata: metadata(ctx, dnsLabel(service.name), service),
    spec: {
      // The ClusterIP and the headless Service select the same pods: the headless one is dropped
      // below, or every pod would be scraped twice.
      selector: { matchLabels: selectorLabels(ctx, service) },
      ...(ctx.namespace ? { namespaceSelector: { matchNames: [ctx.namespace] } } : {}),
      endpoints: [{
        port: servicePortName,
        path: METRICS_PATH,
        relabelings: [
          { action: 'drop', sourceLabels: ['__meta_kubernetes_service_name'], regex: headlessName(service) },
          { action: 'replace', sourceLabels: [annotationMeta(NAME_ANNOTATIONS.stack)], targetLabel: SCRAPE_LABELS.stack },
          { action: 'replace', sourceLabels: [annotationMeta(NAME_ANNOTATIONS.service)], targetLabel: SCRAPE_LABELS.service },
          { action: 'replace', sourceLabels: ['__meta_kubernetes_pod_name'], targetLabel: SCRAPE_LABELS.replica },
          { action: 'replace', sourceLabels: ['__meta_kubernetes_pod_label_app_kubernetes_io_version'], targetLabel: SCRAPE_LABELS.version },
        ],
      }],
    },
  });
}
