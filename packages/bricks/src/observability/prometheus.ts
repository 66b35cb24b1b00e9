// A Prometheus configuration for a stack on the local target: one job whose targets come from
// the daemon's http_sd (the platform's own endpoint and every replica that serves /metrics,
// labelled stack, service, replica, version), at the scrape interval the daemon itself uses.
import { SCRAPE_INTERVAL_MS } from '../platform/telemetry/scraper.ts';

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
