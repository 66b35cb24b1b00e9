// The local platform's discovery document: GET $BRICKS_DISCOVERY_URL once, then long-poll
// `?watch=1&version=N`, which answers as soon as the version moves (or after ~25 s unchanged).
// One watcher per process serves every target service.
import { z } from 'zod';
import { EndpointList, type Endpoint, type EndpointSource } from './endpoint-source.ts';

const documentSchema = z.object({
  version: z.number(),
  services: z.record(
    z.string(),
    z.object({
      address: z.string().optional(),
      endpoints: z.array(z.object({ id: z.string(), url: z.string() })),
    }),
  ),
});

export type DiscoveryDocument = z.output<typeof documentSchema>;

export interface PlatformDiscoveryOptions {
  readonly url: string;
  // 30 s: longer than the daemon's ~25 s hold, so a healthy long-poll is never cut short.
  readonly pollTimeoutMs?: number;
  /** First retry delay after a failed poll; doubles up to 5 s. */
  readonly retryMs?: number;
  readonly fetch?: typeof fetch;
}

export class PlatformDiscovery {
  readonly #opts: Required<PlatformDiscoveryOptions>;
  readonly #lists = new Map<string, EndpointList>();
  readonly #stop = new AbortController();
  #doc: DiscoveryDocument | undefined;
  #firstAnswer!: () => void;
  readonly #first = new Promise<void>((r) => (this.#firstAnswer = r));
  #started = false;

  constructor(opts: PlatformDiscoveryOptions) {
    this.#opts = { pollTimeoutMs: 30_000, retryMs: 100, fetch: globalThis.fetch, ...opts };
  }

  get version(): number | undefined {
    return this.#doc?.version;
  }

  /** The service's address from the document (the platform's stable port), if it lists one. */
  address(service: string): string | undefined {
    return this.#doc?.services[service]?.address;
  }

  /** A live view of one service's endpoints. Starts the watcher on first use. */
  source(service: string): EndpointSource {
    this.#start();
    let list = this.#lists.get(service);
    if (!list) {
      list = new EndpointList();
      this.#lists.set(service, list);
      if (this.#doc) list.set(this.#endpointsOf(service));
    }
    const l = list;
    return {
      current: () => l.endpoints,
      ready: () => Promise.race([l.readyPromise, this.#first]),
      subscribe: (fn) => l.subscribe(fn),
      close: () => undefined,
    };
  }

  close(): void {
    this.#stop.abort();
  }

  #endpointsOf(service: string): Endpoint[] {
    return (this.#doc?.services[service]?.endpoints ?? []).map((e) => ({ id: e.id, url: e.url }));
  }

  #start(): void {
    if (this.#started) return;
    this.#started = true;
    void this.#loop();
  }

  async #loop(): Promise<void> {
    let delay = this.#opts.retryMs;
    while (!this.#stop.signal.aborted) {
      try {
        const url = new URL(this.#opts.url);
        if (this.#doc) {
          url.searchParams.set('watch', '1');
          url.searchParams.set('version', String(this.#doc.version));
        }
        const signal = AbortSignal.any([this.#stop.signal, AbortSignal.timeout(this.#opts.pollTimeoutMs)]);
        const res = await this.#opts.fetch(url, { signal });
        if (!res.ok) throw new Error(`discovery answered ${res.status}`);
        this.#apply(documentSchema.parse(await res.json()));
        delay = this.#opts.retryMs;
      } catch {
        if (this.#stop.signal.aborted) return;
        this.#firstAnswer(); // a failed first poll must not hold calls forever; they fall back
        await sleep(delay, this.#stop.signal);
        delay = Math.min(delay * 2, 5000);
      }
    }
  }

  #apply(doc: DiscoveryDocument): void {
    this.#doc = doc;
    for (const [service, list] of this.#lists) list.set(this.#endpointsOf(service));
    for (const list of this.#lists.values()) list.markReady();
    this.#firstAnswer();
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
