// `helm template` in miniature for tests: values.yaml merged with overrides, every template
// rendered with bricks' Go-template evaluator, parsed, and checked against the Kubernetes schemas.
import { parse, parseAllDocuments } from 'yaml';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, PersistentVolumeClaim, Secret, Service } from 'kubernetes-models/v1';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import type { ChartFiles } from '../kubernetes/helm/chart.ts';
import { InterceptorRoute } from '../kubernetes/keda/interceptor-route.ts';
import { renderTemplates } from '../kubernetes/helm/go-template.ts';

export const models = {
  Deployment, StatefulSet, Service, HorizontalPodAutoscaler, PodDisruptionBudget, Ingress, Secret, ConfigMap, PersistentVolumeClaim, ScaledObject, ServiceMonitor,
  InterceptorRoute,
} as const;

export type RenderedObject = { kind: keyof typeof models; metadata: { name: string; labels: Record<string, string> } } & Record<string, unknown>;

function merge(a: unknown, b: unknown): unknown {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return b;
  const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
  for (const [k, v] of Object.entries(b)) out[k] = merge(out[k], v);
  return out;
}

export function helmTemplate(files: ChartFiles, overrides: unknown = {}): RenderedObject[] {
  const chart = parse(files['Chart.yaml'] ?? '') as { name: string; version: string };
  const values = merge(parse(files['values.yaml'] ?? ''), overrides);
  const templates = Object.fromEntries(Object.entries(files).filter(([p]) => p.startsWith('templates/')));
  const rendered = renderTemplates(templates, {
    Values: values,
    Release: { Name: chart.name, Namespace: 'default', Service: 'Helm' },
    Chart: { Name: chart.name, Version: chart.version },
  });
  const out: RenderedObject[] = [];
  for (const text of Object.values(rendered)) {
    for (const doc of parseAllDocuments(text)) {
      const [error] = doc.errors;
      if (error) throw error;
      const obj = doc.toJS() as RenderedObject | null;
      if (obj) out.push(obj);
    }
  }
  return out;
}

/** Throws unless every object is of a known kind and validates against its schema. */
export function validateAll(objs: readonly RenderedObject[]): void {
  for (const o of objs) {
    const Model = models[o.kind];
    if (!Model) throw new Error(`unexpected kind ${String(o.kind)}`);
    // Each model takes its own kind's shape; the rendered object is checked by its validate().
    new (Model as new (data: unknown) => { validate(): void })(o).validate();
  }
}
