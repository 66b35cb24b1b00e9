// The daemon's metrics, put together: the platform's own (platform-metrics.ts), the scraper that
// reads them and every replica's /metrics into the series store every 5 s, and the three
// things the control API answers from them: the exposition, Prometheus' http_sd targets, and
// `bricks top`'s document.
import type { HttpSdGroup, PlatformEvent, RangeDoc, ServiceStatus, TopDoc } from '../api/contract/index.ts';
import type { Subscribable, UsageReader } from '../api/ports.ts';
import type { ServiceProxy } from '../proxy/index.ts';
import { PLATFORM_METRIC, PLATFORM_TARGET, PlatformMetrics } from './platform-metrics.ts';
import { Scraper } from './scraper.ts';
import type { ScrapeTarget } from './scraper.ts';
import { increaseOf, SeriesStore } from './series-store.ts';
import { topRows } from './top.ts';
import { metricsRange } from './range.ts';

export interface MetricsOptions {
  readonly proxies: ReadonlyMap<string, ServiceProxy>;
  readonly status: () => readonly ServiceStatus[];
  readonly events: Subscribable<PlatformEvent>;
  readonly usage: UsageReader;
  /** host:port of the control API, whose /v1/metrics is the platform's target. */
  readonly apiHostPort: string;
  readonly metricsPath: string;
  readonly stack: string;
  /** Whether a service's replicas serve /metrics over HTTP; a backing service's port speaks its own protocol (default: all do). */
  readonly scraped?: (service: string) => boolean;
  readonly now?: () => number;
}

/** Replicas listen on loopback (the runtime binds them there); so do their /metrics. */
const REPLICA_HOST = '127.0.0.1';

export class Metrics {
  readonly store = new SeriesStore();
  private readonly platform: PlatformMetrics;
  private readonly scraper: Scraper;
  private readonly now: () => number;

  constructor(private readonly options: MetricsOptions) {
    this.now = options.now ?? Date.now;
    this.platform = new PlatformMetrics(options);
    this.scraper = new Scraper({ store: this.store, targets: () => this.scrapeTargets(), own: async () => this.platform.text(), now: this.now });
  }

  start(): void {
    this.scraper.start();
  }

  stop(): void {
    this.scraper.stop();
    this.platform.close();
  }

  /** One scrape round now (tests, and `top` right after `up`). */
  scrape(): Promise<void> {
    return this.scraper.scrapeOnce();
  }

  text(): string {
    return this.platform.text();
  }

  private scrapeTargets(): ScrapeTarget[] {
    const scraped = this.options.scraped ?? (() => true);
    return this.options.status().filter((s) => scraped(s.name)).flatMap((s) =>
      s.replicas
        .filter((r) => r.ready && r.port !== null)
        .map((r) => ({ service: s.name, replica: r.name, version: r.version, url: `http://${REPLICA_HOST}:${r.port}/metrics` })),
    );
  }

  /**
   * http_sd: the platform, and each ready replica whose /metrics answered the last scrape (a
   * program without the SDK serves none, and listing it would only show Prometheus a target
   * that is down). A new replica joins within a scrape interval.
   */
  targets(): HttpSdGroup[] {
    const stack = this.options.stack;
    const groups: HttpSdGroup[] = [
      { targets: [this.options.apiHostPort], labels: { __metrics_path__: this.options.metricsPath, stack, ...PLATFORM_TARGET } },
    ];
    for (const t of this.scrapeTargets()) {
      if (!this.scraper.serves(t.url)) continue;
      const url = new URL(t.url);
      groups.push({ targets: [url.host], labels: { __metrics_path__: url.pathname, stack, service: t.service, replica: t.replica, version: t.version } });
    }
    return groups;
  }

  range(windowMs: number, stepMs: number): RangeDoc {
    return metricsRange(this.store, this.now(), windowMs, stepMs);
  }

  async top(windowMs: number): Promise<TopDoc> {
    const now = this.now();
    const from = now - windowMs;
    const requests = new Map<string, number>();
    // The platform's own series: the address's service is the exported one (the target's is bricks).
    for (const s of this.store.select(`${PLATFORM_METRIC.proxyDuration}_count`, (l) => l['replica'] === PLATFORM_TARGET.replica)) {
      const service = s.labels['exported_service'] ?? '';
      requests.set(service, (requests.get(service) ?? 0) + increaseOf(this.store, s, from, now));
    }
    const status = this.options.status();
    const ready = status.flatMap((s) => s.replicas.filter((r) => r.pid !== null));
    const usage = await this.options.usage(ready.map((r) => r.pid!));
    return {
      at: now,
      windowMs,
      rows: topRows(this.store, now, windowMs),
      addresses: [...this.options.proxies.values()].map((p) => ({ service: p.service, rps: (requests.get(p.service) ?? 0) / (windowMs / 1000), inFlight: p.load().inFlight })),
      replicas: ready.map((r) => {
        const u = usage.get(r.pid!);
        return { service: r.service, name: r.name, cpu: u?.cpu ?? null, memory: u?.memory ?? null };
      }),
      store: { series: this.store.size, maxSeries: this.store.maxSeries, bytes: this.store.bytes, retentionMs: this.store.retentionMs, dropped: this.store.dropped },
    };
  }
}
