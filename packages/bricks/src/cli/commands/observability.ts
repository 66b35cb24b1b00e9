// `bricks prometheus-config`: a Prometheus configuration that scrapes the platform and every
// replica through the daemon's http_sd, or with `--target swarm` every task through Docker's
// dockerswarm_sd. `bricks grafana`: the stack's dashboards and the
// provisioning files that load them, for a Grafana pointed at that Prometheus.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { API } from '../../platform/api/contract/index.ts';
import { grafanaFiles, localPrometheusConfig, swarmPrometheusConfig } from '../../observability/index.ts';
import { parseTarget } from '../target-name.ts';
import type { GlobalOptions } from '../context.ts';
import { clientOf, loadOrFail } from '../context.ts';

export interface PrometheusConfigOptions extends GlobalOptions {
  readonly output?: string;
  readonly target?: string;
  readonly dockerHost?: string;
}

async function configText(options: PrometheusConfigOptions): Promise<string> {
  const target = parseTarget(options.target ?? 'local', ['local', 'swarm'], 'prometheus-config');
  switch (target) {
    case 'swarm': {
      // No daemon: the stack's name is all the relabelling needs.
      const stack = await loadOrFail(options, null);
      return swarmPrometheusConfig(stack.name, options.dockerHost === undefined ? {} : { dockerHost: options.dockerHost });
    }
    case 'local': {
      const stack = await loadOrFail(options);
      const api = await clientOf(options);
      return localPrometheusConfig(stack.name, `${api.url}${API.prometheusTargets.path}`);
    }
    case 'kubernetes':
      throw new Error('parseTarget allows only local and swarm here');
  }
}

export async function prometheusConfigCommand(options: PrometheusConfigOptions): Promise<void> {
  const text = await configText(options);
  if (options.output === undefined) {
    process.stdout.write(text);
    return;
  }
  await writeFile(options.output, text);
  console.error(`wrote ${options.output}: prometheus --config.file=${options.output}`);
}

export interface GrafanaOptions extends GlobalOptions {
  readonly output: string;
  readonly prometheusUrl: string;
}

/** Prometheus' own default address. */
export const DEFAULT_PROMETHEUS_URL = 'http://localhost:9090';

export async function grafanaCommand(options: GrafanaOptions): Promise<void> {
  // Any target's stack: the dashboards read the labels every target's scrape gives.
  const stack = await loadOrFail(options, null);
  const dir = resolve(options.output);
  // A backing service (a database) serves no RPC metrics: its own exporter is the place for those.
  const files = grafanaFiles({ stack: stack.name, services: Object.values(stack.services).filter((s) => s.backing === undefined).map((s) => s.name), prometheusUrl: options.prometheusUrl, dir });
  for (const f of files) {
    await mkdir(dirname(join(dir, f.path)), { recursive: true });
    await writeFile(join(dir, f.path), f.text);
  }
  const dashboards = files.filter((f) => f.path.endsWith('.json')).length;
  console.error(`wrote ${dashboards} dashboards and their provisioning to ${dir}`);
  console.error(`grafana: set [paths] provisioning = ${join(dir, 'provisioning')} (or GF_PATHS_PROVISIONING); data source ${options.prometheusUrl}`);
}
