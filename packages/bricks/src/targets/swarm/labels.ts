// The labels bricks puts on a Swarm service, in one place: Prometheus' dockerswarm_sd relabels
// from them (observability/prometheus.ts), and the Swarm autoscaler finds its services and their
// policies by them. Service labels (deploy.labels), not container labels: changing them updates
// the service's spec but not its task template, so no task is replaced for a label.
export const SWARM_LABELS = {
  /** The stack's name as the stack file writes it (Docker's own com.docker.stack.namespace is the mangled one). */
  stack: 'dev.bricks.stack',
  /** The bricks service. */
  service: 'dev.bricks.service',
  /** The release the image was built at: its tag (an unchanged service keeps its earlier one). */
  version: 'dev.bricks.version',
  /** Where the replicas serve /metrics: set only on services that serve it. */
  metricsPort: 'dev.bricks.metrics.port',
  metricsPath: 'dev.bricks.metrics.path',
  /** The Swarm network on which a task's metrics address is reached (a task has one address per network). */
  metricsNetwork: 'dev.bricks.metrics.network',
  /** `x-bricks.autoscale`, resolved for Swarm, as JSON: what the stack's autoscaler service reads. */
  autoscale: 'dev.bricks.autoscale',
} as const;

/** Prometheus' meta label for a Swarm service label (dots and dashes become underscores). */
export function serviceLabelMeta(label: string): string {
  return `__meta_dockerswarm_service_label_${label.replace(/[^a-zA-Z0-9_]/g, '_')}`;
}
