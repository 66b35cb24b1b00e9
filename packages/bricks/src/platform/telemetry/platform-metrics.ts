// The platform's own metrics, as GET /v1/metrics serves them and the scraper stores them: per
// service address, the proxy's requests (duration by protocol and result), in flight, waiting,
// retries and failures, and the waits for a replica (cold starts, restarts); per service, the
// desired and ready replicas, restarts, rollouts and scaling decisions; the daemon's own CPU
// and memory. Names are Prometheus' (base units, `_total` counters) with the `bricks_` prefix.
import type { PlatformEvent, ServiceStatus } from '../api/contract/index.ts';
import type { Subscribable } from '../api/ports.ts';
import type { ServiceProxy } from '../proxy/index.ts';
import type { Family, ScalarSample } from './exposition-writer.ts';
import { writeExposition } from './exposition-writer.ts';

export interface PlatformMetricsSources {
  readonly proxies: ReadonlyMap<string, ServiceProxy>;
  readonly status: () => readonly ServiceStatus[];
  readonly events: Subscribable<PlatformEvent>;
}

/** The platform's metric names: what it exports here and what `top` and the dashboards read. */
export const PLATFORM_METRIC = {
  proxyDuration: 'bricks_proxy_request_duration_seconds',
  replicaWait: 'bricks_proxy_replica_wait_seconds',
  inFlight: 'bricks_proxy_in_flight_requests',
  waiting: 'bricks_proxy_waiting_requests',
  retries: 'bricks_proxy_retries_total',
  failures: 'bricks_proxy_failures_total',
  desired: 'bricks_service_desired_replicas',
  ready: 'bricks_service_ready_replicas',
  restarts: 'bricks_service_restarts_total',
  rollouts: 'bricks_rollouts_total',
  scaling: 'bricks_scaling_decisions_total',
} as const;

/**
 * The target labels of the platform's own endpoint (the scraper's and http_sd's alike): its
 * series' own `service` label (the service address's) becomes `exported_service`, as a
 * Prometheus scrape without honor_labels makes it.
 */
export const PLATFORM_TARGET = { service: 'bricks', replica: 'daemon', version: '' } as const;

type Direction = 'up' | 'down';

/** Who changed a replica count: `bricks scale` or the autoscaler (whose reason is free text). */
const USER_SCALE_REASON = 'bricks scale';

export class PlatformMetrics {
  private readonly rollouts = new Map<string, number>();
  private readonly scalings = new Map<string, number>();
  /** The last replica count each service was scaled to, to tell up from down. */
  private readonly lastScale = new Map<string, number>();
  private readonly unsubscribe: () => void;

  constructor(private readonly sources: PlatformMetricsSources) {
    // The counts to tell a first change's direction by: the status may already show the new one.
    for (const s of sources.status()) this.lastScale.set(s.name, s.desired);
    this.unsubscribe = sources.events.subscribe((e) => this.count(e));
  }

  close(): void {
    this.unsubscribe();
  }

  private count(e: PlatformEvent): void {
    if (e.type === 'rollout') {
      bump(this.rollouts, `${e.service}\0${e.state}`);
      return;
    }
    if (e.type === 'scaled') {
      const before = this.lastScale.get(e.service) ?? this.desiredOf(e.service);
      this.lastScale.set(e.service, e.replicas);
      if (before === e.replicas) return;
      const direction: Direction = e.replicas > before ? 'up' : 'down';
      bump(this.scalings, `${e.service}\0${direction}\0${e.reason === USER_SCALE_REASON ? 'user' : 'autoscaler'}`);
    }
    // Restarts and readiness are read from the status at scrape time; other events count nothing.
  }

  private desiredOf(service: string): number {
    return this.sources.status().find((s) => s.name === service)?.desired ?? 0;
  }

  families(): Family[] {
    const proxies = [...this.sources.proxies.values()];
    const status = this.sources.status();
    const mem = process.memoryUsage();
    const cpu = process.cpuUsage();
    return [
      {
        type: 'histogram',
        name: PLATFORM_METRIC.proxyDuration,
        help: 'Time from a request reaching a service address to the end of its response, by protocol, HTTP status and gRPC status.',
        samples: proxies.flatMap((p) =>
          p.metrics().requests.map((r) => ({
            labels: { service: p.service, protocol: r.protocol, http_response_status_code: r.status, rpc_grpc_status_code: r.grpcStatus },
            data: r,
          })),
        ),
      },
      {
        type: 'histogram',
        name: PLATFORM_METRIC.replicaWait,
        help: 'Time a request waited at a service address for a ready replica before it was sent on (a start from zero, a restart); requests that did not wait are not counted.',
        samples: proxies.map((p) => ({ labels: { service: p.service }, data: p.metrics().waits })),
      },
      gauge(PLATFORM_METRIC.inFlight, 'Requests in flight from a service address to its replicas.', proxies.map((p) => ({ labels: { service: p.service }, value: p.load().inFlight }))),
      gauge(PLATFORM_METRIC.waiting, 'Requests held at a service address because no replica is ready.', proxies.map((p) => ({ labels: { service: p.service }, value: p.load().waiting }))),
      counter(PLATFORM_METRIC.retries, 'Requests a service address sent a second time, to another replica.', proxies.map((p) => ({ labels: { service: p.service }, value: p.stats().retries }))),
      counter(
        PLATFORM_METRIC.failures,
        'Requests a service address answered itself with an error or cut off: no ready replica in time, or a replica failing.',
        proxies.flatMap((p) => {
          const s = p.stats();
          return [
            { labels: { service: p.service, reason: 'no-endpoint' }, value: s.noEndpoint },
            { labels: { service: p.service, reason: 'upstream' }, value: s.failures - s.noEndpoint },
          ];
        }),
      ),
      gauge(PLATFORM_METRIC.desired, 'Replicas a service should run.', status.map((s) => ({ labels: { service: s.name }, value: s.desired }))),
      gauge(PLATFORM_METRIC.ready, 'Replicas of a service that are ready.', status.map((s) => ({ labels: { service: s.name }, value: s.ready }))),
      counter(PLATFORM_METRIC.restarts, "Restarts of a service's replicas after they exited or failed their health check.", status.map((s) => ({ labels: { service: s.name }, value: s.restarts }))),
      counter(PLATFORM_METRIC.rollouts, 'Rollouts of a new version of a service, by how they ended.', [...this.rollouts].map(([key, value]) => {
        const [service, state] = key.split('\0');
        return { labels: { service: service ?? '', state: state ?? '' }, value };
      })),
      counter(PLATFORM_METRIC.scaling, 'Changes of a service\'s replica count, by direction and by whom (user: `bricks scale`; autoscaler).', [...this.scalings].map(([key, value]) => {
        const [service, direction, by] = key.split('\0');
        return { labels: { service: service ?? '', direction: direction ?? '', by: by ?? '' }, value };
      })),
      counter('process_cpu_seconds_total', "The daemon's CPU time, user and system.", [{ labels: {}, value: (cpu.user + cpu.system) / 1e6 }]),
      gauge('process_resident_memory_bytes', "The daemon's resident memory.", [{ labels: {}, value: mem.rss }]),
      gauge('nodejs_heap_size_used_bytes', "The daemon's V8 heap in use.", [{ labels: {}, value: mem.heapUsed }]),
    ];
  }

  text(): string {
    return writeExposition(this.families());
  }
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function gauge(name: string, help: string, samples: readonly ScalarSample[]): Family {
  return { type: 'gauge', name, help, samples };
}

function counter(name: string, help: string, samples: readonly ScalarSample[]): Family {
  return { type: 'counter', name, help, samples };
}
