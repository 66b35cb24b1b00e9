// The metrics scraper: every 5 s it reads each ready replica's /metrics (and the platform's
// own registry) into the series store, each series labelled with its service, replica and
// version as a Prometheus scrape would label its targets. A replica that serves no /metrics
// (a plain program) is skipped quietly.
import { request } from 'node:http';
import { parseExposition, seriesKey } from './exposition.ts';
import type { SeriesStore } from './series-store.ts';
import { PLATFORM_TARGET } from './platform-metrics.ts';

/** The scrape interval: Prometheus' common 15 s is long for a laptop's `top`; 5 s still costs little. */
export const SCRAPE_INTERVAL_MS = 5000;
/** A replica that takes longer than this to answer /metrics is skipped this round. */
const SCRAPE_TIMEOUT_MS = 2000;

export interface ScrapeTarget {
  readonly service: string;
  readonly replica: string;
  readonly version: string;
  /** http://127.0.0.1:PORT/metrics */
  readonly url: string;
}

export interface ScraperOptions {
  readonly store: SeriesStore;
  readonly targets: () => readonly ScrapeTarget[];
  /** The platform's own metrics, in the exposition format. */
  readonly own: () => Promise<string>;
  readonly now?: () => number;
  readonly intervalMs?: number;
}

/** The labels a target gives its series; a series' own label of the same name becomes `exported_<name>`. */
export function withTargetLabels(labels: Readonly<Record<string, string>>, target: Omit<ScrapeTarget, 'url'>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) out[k === 'service' || k === 'replica' || k === 'version' ? `exported_${k}` : k] = v;
  out['service'] = target.service;
  out['replica'] = target.replica;
  out['version'] = target.version;
  return out;
}

export class Scraper {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  /** URLs of the targets whose /metrics answered in the last round. */
  private serving = new Set<string>();

  constructor(private readonly options: ScraperOptions) {}

  start(): void {
    if (this.timer !== null) return;
    this.timer = setInterval(() => void this.scrapeOnce(), this.options.intervalMs ?? SCRAPE_INTERVAL_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** Whether the target's /metrics answered in the last round (a plain program's does not). */
  serves(url: string): boolean {
    return this.serving.has(url);
  }

  /** One round over every target, all at once; a failing target loses only its own round. */
  async scrapeOnce(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const now = (this.options.now ?? Date.now)();
      const { store } = this.options;
      const serving = new Set<string>();
      const read = async (target: Omit<ScrapeTarget, 'url'>, text: Promise<string | null>, url?: string): Promise<void> => {
        const body = await text.catch(() => null);
        if (body === null) return;
        if (url !== undefined) serving.add(url);
        for (const s of parseExposition(body).samples) {
          const labels = withTargetLabels(s.labels, target);
          store.append(seriesKey(s.name, labels), s.name, labels, now, s.value);
        }
      };
      await Promise.all([
        read(PLATFORM_TARGET, this.options.own()),
        ...this.options.targets().map((t) => read(t, fetchText(t.url), t.url)),
      ]);
      this.serving = serving;
      store.collect(now);
    } finally {
      this.running = false;
    }
  }
}

function fetchText(url: string): Promise<string | null> {
  return new Promise((resolve) => {
    const req = request(url, { agent: false, timeout: SCRAPE_TIMEOUT_MS }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return resolve(null);
      }
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve(body));
      res.on('error', () => resolve(null));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(null));
    req.end();
  });
}
