// The Grafana dashboards bricks writes for a stack: an overview (rate, errors and duration per
// service, replicas, calls between services, waits for a replica) and one per service (per
// method, per replica, and the process: CPU, memory, GC, event-loop lag). Pure: a stack's name
// and services in, dashboards out. Every query selects on the labels the scrape gives each
// target (stack, service, replica: the daemon's http_sd, and the same names on Swarm and
// Kubernetes), and the platform's own series by their exported_service.
import type { Dashboard, Panel } from '@grafana/schema';
import { GRPC_OK, RPC_CLIENT_DURATION, RPC_LABELS, RPC_SERVER_DURATION } from '@bricks/sdk/metric-names';
import { PLATFORM_METRIC, PLATFORM_TARGET } from '../platform/telemetry/platform-metrics.ts';

/** The data source every panel names; the provisioning file defines it under this uid. */
export const DATASOURCE_UID = 'bricks-prometheus';
/** Grafana's dashboard JSON model version these are written in (Grafana 10 and 11 read it). */
const SCHEMA_VERSION = 39;
/** Rates over a minute: at a 5 s scrape, twelve points, robust to a missed one. */
const RATE = '1m';

/** A Prometheus query of a panel (a type, not an interface: Grafana's panels take records). */
export type DashboardTarget = {
  readonly refId: string;
  readonly expr: string;
  readonly legendFormat: string;
};

/** A panel as bricks writes it: a time series with its queries. */
export interface BricksPanel extends Panel {
  readonly type: 'timeseries';
  readonly title: string;
  readonly targets: DashboardTarget[];
}

export interface BricksDashboard extends Dashboard {
  readonly uid: string;
  readonly title: string;
  readonly panels: BricksPanel[];
}

type Unit = 'reqps' | 'percentunit' | 's' | 'bytes' | 'short';

interface PanelSpec {
  readonly title: string;
  readonly description: string;
  readonly unit: Unit;
  /** [query, legend]; a panel shows what any of them returns. */
  readonly queries: readonly (readonly [string, string])[];
}

/**
 * A label matcher list, `{a="1",b!="2",c=~"5.."}`, quoting values as PromQL wants: a key that
 * ends in `!` is a negative match, one that ends in `~` a regular expression.
 */
function sel(matchers: Readonly<Record<string, string>>): string {
  const one = ([k, v]: [string, string]): string => {
    if (k.endsWith('!')) return `${k.slice(0, -1)}!=${JSON.stringify(v)}`;
    if (k.endsWith('~')) return `${k.slice(0, -1)}=~${JSON.stringify(v)}`;
    return `${k}=${JSON.stringify(v)}`;
  };
  return `{${Object.entries(matchers).map(one).join(',')}}`;
}

const rate = (metric: string, m: Record<string, string>, window = RATE): string => `rate(${metric}${sel(m)}[${window}])`;
const sumBy = (by: string, inner: string): string => `sum by (${by}) (${inner})`;

/**
 * Errors as a share of calls, 0 where there were none: the `or … * 0` keeps a series for every
 * label set that had calls, so a healthy service shows a flat 0 rather than nothing.
 */
function errorShare(metric: string, by: string, m: Record<string, string>, failed: Record<string, string>): string {
  const all = sumBy(by, rate(metric, m));
  return `(${sumBy(by, rate(metric, { ...m, ...failed }))} or ${all} * 0) / ${all}`;
}

function quantile(q: number, metric: string, by: string, m: Record<string, string>, window = RATE): string {
  return `histogram_quantile(${q}, ${sumBy(`${by}, le`, rate(`${metric}_bucket`, m, window))})`;
}

const server = `${RPC_SERVER_DURATION}`;
const client = `${RPC_CLIENT_DURATION}`;
const failedRpc = { [`${RPC_LABELS.grpcStatus}!`]: GRPC_OK };
/** A service address's own failures and its replicas' server errors. */
const failedHttp = { 'http_response_status_code~': '5..' };

function overviewPanels(stack: string): PanelSpec[] {
  const s = { stack };
  const platform = { stack, service: PLATFORM_TARGET.service };
  return [
    {
      title: 'Requests per second',
      description: 'Calls each service served (SDK services), and requests at each service address (every program).',
      unit: 'reqps',
      queries: [
        [sumBy('service', rate(`${server}_count`, s)), '{{service}}'],
        [sumBy('exported_service', rate(`${PLATFORM_METRIC.proxyDuration}_count`, platform)), '{{exported_service}} at its address'],
      ],
    },
    {
      title: 'Errors (share of calls)',
      description: 'Calls that did not end OK, over all calls; a 5xx at a service address over all its requests.',
      unit: 'percentunit',
      queries: [
        [errorShare(`${server}_count`, 'service', s, failedRpc), '{{service}}'],
        [errorShare(`${PLATFORM_METRIC.proxyDuration}_count`, 'exported_service', platform, failedHttp), '{{exported_service}} at its address'],
      ],
    },
    {
      title: 'Duration p99',
      description: '99th percentile of the time to serve a call, per service, and at each service address.',
      unit: 's',
      queries: [
        [quantile(0.99, server, 'service', s), '{{service}}'],
        [quantile(0.99, PLATFORM_METRIC.proxyDuration, 'exported_service', platform), '{{exported_service}} at its address'],
      ],
    },
    {
      title: 'Duration p50',
      description: 'Median time to serve a call, per service.',
      unit: 's',
      queries: [[quantile(0.5, server, 'service', s), '{{service}}']],
    },
    {
      title: 'Calls between services',
      description: 'Calls each service made, by the service it called (client side, retries included).',
      unit: 'reqps',
      queries: [[sumBy(`service, ${RPC_LABELS.peer}`, rate(`${client}_count`, s)), `{{service}} → {{${RPC_LABELS.peer}}}`]],
    },
    {
      title: 'Replicas',
      description: 'Ready and desired replicas of each service.',
      unit: 'short',
      queries: [
        [`${PLATFORM_METRIC.ready}${sel(platform)}`, '{{exported_service}} ready'],
        [`${PLATFORM_METRIC.desired}${sel(platform)}`, '{{exported_service}} desired'],
      ],
    },
    {
      title: 'Restarts and scaling',
      description: 'Replica restarts, and changes of the replica count (by the autoscaler or `bricks scale`), over 5 minutes.',
      unit: 'short',
      queries: [
        [`increase(${PLATFORM_METRIC.restarts}${sel(platform)}[5m])`, '{{exported_service}} restarts'],
        [sumBy('exported_service, direction', `increase(${PLATFORM_METRIC.scaling}${sel(platform)}[5m])`), '{{exported_service}} scaled {{direction}}'],
      ],
    },
    {
      title: 'Waits for a replica p99',
      description: 'How long requests waited at a service address for a ready replica: a start from zero, a restart.',
      unit: 's',
      // Over 5 minutes: waits are rare, and a minute's window would mostly show nothing.
      queries: [[quantile(0.99, PLATFORM_METRIC.replicaWait, 'exported_service', platform, '5m'), '{{exported_service}}']],
    },
  ];
}

function servicePanels(stack: string, service: string): PanelSpec[] {
  const m = { stack, service };
  const address = { stack, service: PLATFORM_TARGET.service, exported_service: service };
  const method = `${RPC_LABELS.service}, ${RPC_LABELS.method}`;
  const methodLegend = `{{${RPC_LABELS.service}}}/{{${RPC_LABELS.method}}}`;
  return [
    {
      title: 'Requests per second by method',
      description: 'Calls served, by method; requests at the service address, by protocol.',
      unit: 'reqps',
      queries: [
        [sumBy(method, rate(`${server}_count`, m)), methodLegend],
        [sumBy('protocol', rate(`${PLATFORM_METRIC.proxyDuration}_count`, address)), 'at its address ({{protocol}})'],
      ],
    },
    {
      title: 'Errors by method and code',
      description: 'Calls that did not end OK, by method and gRPC status code (0 where there were none); 5xx at the service address.',
      unit: 'reqps',
      queries: [
        [`${sumBy(`${method}, ${RPC_LABELS.grpcStatus}`, rate(`${server}_count`, { ...m, ...failedRpc }))} or ${sumBy(method, rate(`${server}_count`, m))} * 0`, `${methodLegend} {{${RPC_LABELS.grpcStatus}}}`],
        [
          `${sumBy('http_response_status_code', rate(`${PLATFORM_METRIC.proxyDuration}_count`, { ...address, ...failedHttp }))} or sum(${rate(`${PLATFORM_METRIC.proxyDuration}_count`, address)}) * 0`,
          'at its address {{http_response_status_code}}',
        ],
      ],
    },
    {
      title: 'Duration by method',
      description: 'p50 and p99 of the time to serve a call, by method; p99 at the service address.',
      unit: 's',
      queries: [
        [quantile(0.99, server, method, m), `${methodLegend} p99`],
        [quantile(0.5, server, method, m), `${methodLegend} p50`],
        [quantile(0.99, PLATFORM_METRIC.proxyDuration, 'exported_service', address), 'at its address p99'],
      ],
    },
    {
      title: 'Requests per second by replica',
      description: 'Calls each replica served, and calls each replica made to other services.',
      unit: 'reqps',
      queries: [
        [sumBy('replica', rate(`${server}_count`, m)), '{{replica}}'],
        [sumBy('replica', rate(`${client}_count`, m)), '{{replica}} calls out'],
      ],
    },
    {
      title: 'CPU by replica',
      description: 'CPU time per second of each replica (1 = one core).',
      unit: 'percentunit',
      queries: [[sumBy('replica', rate('process_cpu_seconds_total', m)), '{{replica}}']],
    },
    {
      title: 'Memory by replica',
      description: 'Resident memory and V8 heap in use of each replica.',
      unit: 'bytes',
      queries: [
        [`process_resident_memory_bytes${sel(m)}`, '{{replica}} resident'],
        [`nodejs_heap_size_used_bytes${sel(m)}`, '{{replica}} heap used'],
      ],
    },
    {
      title: 'GC time by replica',
      description: 'Seconds per second spent in garbage collection, by kind; 0 for a replica that collected nothing.',
      unit: 'percentunit',
      // A GC kind's series exists only once a collection of it ran: a quiet replica shows 0, not nothing.
      queries: [[`${sumBy('replica, kind', rate('nodejs_gc_duration_seconds_sum', m))} or ${sumBy('replica', rate('process_cpu_seconds_total', m))} * 0`, '{{replica}} {{kind}}']],
    },
    {
      title: 'Event-loop lag p99',
      description: "99th percentile of each replica's event-loop delay: time a ready callback waited to run.",
      unit: 's',
      queries: [[`nodejs_eventloop_lag_p99_seconds${sel(m)}`, '{{replica}}']],
    },
    {
      title: 'Replicas',
      description: 'Ready and desired replicas.',
      unit: 'short',
      queries: [
        [`${PLATFORM_METRIC.ready}${sel(address)}`, 'ready'],
        [`${PLATFORM_METRIC.desired}${sel(address)}`, 'desired'],
      ],
    },
  ];
}

/** Two panels a row, 8 units high, in the order given. */
function layout(specs: readonly PanelSpec[]): BricksPanel[] {
  return specs.map((p, i) => ({
    id: i + 1,
    type: 'timeseries',
    title: p.title,
    description: p.description,
    datasource: { type: 'prometheus', uid: DATASOURCE_UID },
    gridPos: { h: 8, w: 12, x: (i % 2) * 12, y: Math.floor(i / 2) * 8 },
    fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
    options: { legend: { displayMode: 'table', placement: 'bottom', calcs: ['lastNotNull', 'max'] }, tooltip: { mode: 'multi', sort: 'desc' } },
    targets: p.queries.map(([expr, legendFormat], q) => ({ refId: String.fromCharCode(65 + q), expr, legendFormat })),
  }));
}

/** A uid Grafana accepts (at most 40 characters of [A-Za-z0-9-_]) that stays the same for the same stack and service. */
function uidOf(stack: string, part: string): string {
  return `bricks-${stack}-${part}`.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 40);
}

function dashboard(stack: string, part: string, title: string, panels: BricksPanel[], links: Dashboard['links']): BricksDashboard {
  return {
    uid: uidOf(stack, part),
    title,
    tags: ['bricks', stack],
    editable: true,
    schemaVersion: SCHEMA_VERSION,
    time: { from: 'now-1h', to: 'now' },
    refresh: '10s',
    timezone: 'browser',
    links,
    panels,
  };
}

export function stackDashboards(stack: string, services: readonly string[]): BricksDashboard[] {
  const links: Dashboard['links'] = [{ title: `${stack} dashboards`, type: 'dashboards', tags: ['bricks', stack], asDropdown: true, includeVars: false, keepTime: true, icon: 'external link', targetBlank: false, tooltip: '', url: '' }];
  return [
    dashboard(stack, 'overview', `${stack} · overview`, layout(overviewPanels(stack)), links),
    ...services.map((service) => dashboard(stack, service, `${stack} · ${service}`, layout(servicePanels(stack, service)), links)),
  ];
}
