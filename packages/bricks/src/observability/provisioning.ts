// The files that make a Grafana show a stack's dashboards with no clicking: a data source (the
// Prometheus that scrapes the stack) and a dashboard provider reading the dashboards' folder,
// in Grafana's provisioning format (apiVersion 1). Pure: paths and text out, the CLI writes them.
import { join } from 'node:path';
import { stringify } from 'yaml';
import { DATASOURCE_UID, stackDashboards } from './dashboards.ts';

export interface GrafanaFile {
  /** Relative to the output folder. */
  readonly path: string;
  readonly text: string;
}

export interface GrafanaOptions {
  readonly stack: string;
  readonly services: readonly string[];
  /** Where Grafana reaches Prometheus. */
  readonly prometheusUrl: string;
  /** The output folder as Grafana will see it (absolute): the provider's path is inside it. */
  readonly dir: string;
}

export function grafanaFiles(o: GrafanaOptions): GrafanaFile[] {
  const datasources = {
    apiVersion: 1,
    datasources: [{ name: `${o.stack} Prometheus`, uid: DATASOURCE_UID, type: 'prometheus', access: 'proxy', url: o.prometheusUrl, isDefault: true, jsonData: { timeInterval: '5s' } }],
  };
  const providers = {
    apiVersion: 1,
    providers: [{ name: `bricks-${o.stack}`, folder: o.stack, type: 'file', allowUiUpdates: true, updateIntervalSeconds: 30, options: { path: join(o.dir, 'dashboards') } }],
  };
  return [
    { path: join('provisioning', 'datasources', `${o.stack}.yaml`), text: stringify(datasources) },
    { path: join('provisioning', 'dashboards', `${o.stack}.yaml`), text: stringify(providers) },
    ...stackDashboards(o.stack, o.services).map((d) => ({ path: join('dashboards', `${d.uid}.json`), text: `${JSON.stringify(d, null, 2)}\n` })),
  ];
}
