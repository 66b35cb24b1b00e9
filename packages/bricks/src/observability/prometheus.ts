// Prometheus configurations for a stack. Locally: one job whose targets come from the daemon's
// http_sd (the platform's own endpoint and every replica that serves /metrics, labelled stack,
// service, replica, version), at the scrape interval the daemon itself uses. On Swarm: Docker's
// own discovery (dockerswarm_sd, role tasks) relabelled from the labels bricks gives each service
// (targets/swarm/labels.ts) to the same four labels, so dashboards and queries work unchanged.
import { stringify } from 'yaml';
import { SCRAPE_INTERVAL_MS } from '../platform/telemetry/scraper.ts';
import { serviceLabelMeta, SWARM_LABELS } from '../targets/swarm/labels.ts';
import { SCRAPE_LABELS } from './scrape-labels.ts';

export function localPrometheusConfig(stack: string, targetsUrl: string, intervalS = SCRAPE_INTERVAL_MS / 1000): string {
  return [
    `# Written by bricks prometheus-config for the stack ${stack}.`,
    '# The daemon lists its own endpoint and each ready replica with stack, service, replica and',
    '# version labels; its port is kept across restarts (.bricks/state.json), so this file stays right.',
    'global:',
    `  scrape_interval: ${intervalS}s`,
    `  evaluation_interval: ${intervalS}s`,
    'scrape_configs:',
    `  - job_name: ${JSON.stringify(`bricks-${stack}`)}`,
    '    http_sd_configs:',
    `      - url: ${JSON.stringify(targetsUrl)}`,
    `        refresh_interval: ${intervalS}s`,
    '',
  ].join('\n');
}

/** Prometheus' regular expressions are RE2, anchored: a literal value is its characters escaped. */
function literal(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export interface SwarmPrometheusOptions {
  /** The Docker API Prometheus asks: a manager's socket, mounted into Prometheus' container. */
  readonly dockerHost?: string;
  readonly intervalS?: number;
}

/**
 * A scrape config for a stack on Swarm. Prometheus must run where it reaches the tasks'
 * addresses: as a container or service on the stack's (attachable) network, with a manager's
 * Docker socket mounted. One target per running task that serves /metrics, at its address on
 * the network its service names (a task has one address per network it is on).
 */
export function swarmPrometheusConfig(stack: string, opts: SwarmPrometheusOptions = {}): string {
  const intervalS = opts.intervalS ?? SCRAPE_INTERVAL_MS / 1000;
  const meta = serviceLabelMeta;
  const config = {
    global: { scrape_interval: `${intervalS}s`, evaluation_interval: `${intervalS}s` },
    scrape_configs: [{
      job_name: `bricks-${stack}`,
      dockerswarm_sd_configs: [{ host: opts.dockerHost ?? 'unix:///var/run/docker.sock', role: 'tasks', refresh_interval: `${intervalS}s` }],
      relabel_configs: [
        // Tasks meant to run (not the ones being replaced or shut down), of this stack's services
        // that serve metrics, on the network their metrics are reached on.
        { source_labels: ['__meta_dockerswarm_task_desired_state'], regex: 'running', action: 'keep' },
        { source_labels: [meta(SWARM_LABELS.stack)], regex: literal(stack), action: 'keep' },
        { source_labels: [meta(SWARM_LABELS.metricsPort)], regex: '[0-9]+', action: 'keep' },
        { source_labels: ['__meta_dockerswarm_network_name'], target_label: meta(SWARM_LABELS.metricsNetwork), action: 'keepequal' },
        // The task's address on that network, at the service's metrics port and path.
        { source_labels: ['__address__', meta(SWARM_LABELS.metricsPort)], regex: '(.+):[0-9]+;([0-9]+)', replacement: '$1:$2', target_label: '__address__' },
        { source_labels: [meta(SWARM_LABELS.metricsPath)], regex: '(.+)', target_label: '__metrics_path__' },
        { source_labels: [meta(SWARM_LABELS.stack)], target_label: SCRAPE_LABELS.stack },
        { source_labels: [meta(SWARM_LABELS.service)], target_label: SCRAPE_LABELS.service },
        // `analytics.2`, as BRICKS_REPLICA names it; a global service's tasks have no slot, so by node.
        { source_labels: [meta(SWARM_LABELS.service), '__meta_dockerswarm_task_slot'], regex: '(.+);([0-9]+)', replacement: '$1.$2', target_label: SCRAPE_LABELS.replica },
        { source_labels: [meta(SWARM_LABELS.service), '__meta_dockerswarm_task_slot', '__meta_dockerswarm_node_hostname'], regex: '(.+);;(.+)', replacement: '$1.$2', target_label: SCRAPE_LABELS.replica },
        { source_labels: [meta(SWARM_LABELS.version)], target_label: SCRAPE_LABELS.version },
      ],
    }],
  };
  return [
    `# Written by bricks prometheus-config --target swarm for the stack ${stack}.`,
    '# Run Prometheus on the stack\'s network with a manager\'s Docker socket, for example:',
    '#   docker run -d --network <stack>_default -v /var/run/docker.sock:/var/run/docker.sock:ro \\',
    '#     -v $PWD/prometheus.yml:/etc/prometheus/prometheus.yml -p 9090:9090 prom/prometheus',
    stringify(config, { lineWidth: 0 }),
  ].join('\n');
}
