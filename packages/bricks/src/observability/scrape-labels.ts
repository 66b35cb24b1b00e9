// The labels every target's scrape gives an SDK replica's series, in one place: the daemon's
// http_sd sets them, Swarm's dockerswarm_sd and Kubernetes' ServiceMonitor relabel to them, and
// the dashboards, the KEDA triggers and the Swarm autoscaler select on them.
export const SCRAPE_LABELS = {
  /** The stack's name as the stack file gives it. */
  stack: 'stack',
  /** The bricks service (not a DNS-mangled form of it). */
  service: 'service',
  /** One replica: `analytics.2` locally and on Swarm, the pod's name on Kubernetes. */
  replica: 'replica',
  /** The release the replica runs: the git SHA its image was built at. */
  version: 'version',
} as const;

/** Where an SDK service serves its metrics, on its own port ($PORT): packages/sdk/src/server/http-routes.ts. */
export const METRICS_PATH = '/metrics';
