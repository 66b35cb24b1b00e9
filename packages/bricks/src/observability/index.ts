// Observability for a stack outside bricks: Prometheus configurations that find its replicas,
// and Grafana dashboards with their provisioning files.
export { DATASOURCE_UID, stackDashboards } from './dashboards.ts';
export type { BricksDashboard, BricksPanel, DashboardTarget } from './dashboards.ts';
export { grafanaFiles } from './provisioning.ts';
export type { GrafanaFile, GrafanaOptions } from './provisioning.ts';
export { localPrometheusConfig, swarmPrometheusConfig } from './prometheus.ts';
export type { SwarmPrometheusOptions } from './prometheus.ts';
export { METRICS_PATH, SCRAPE_LABELS } from './scrape-labels.ts';
