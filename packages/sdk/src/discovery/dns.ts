// Swarm (endpoint_mode: dnsrr) and headless Kubernetes Services: the service name resolves to
// one A record per ready task/pod. Re-resolve every few seconds; an IP literal or a failed
// lookup falls back to the service address itself as the single endpoint.
import { isIP } from 'node:net';
import { promises as dns } from 'node:dns';
import { EndpointList, type Endpoint, type EndpointSource } from './endpoint-source.ts';

export interface DnsSourceOptions {
  /** The service address, e.g. `http://catalog:8080`. */
  readonly url: string;
  // 5 s: Swarm's and kube-dns's record TTLs are in that range; a dead replica also gets
  // ejected by the balancer long before.
  readonly intervalMs?: number;
  readonly resolve4?: (host: string) => Promise<string[]>;
}

export function dnsSource(opts: DnsSourceOptions): EndpointSource {
  const base = new URL(opts.url);
  const host = base.hostname.replace(/^\[|\]$/g, '');
  const fallback: Endpoint[] = [{ id: base.host, url: base.origin }];
  const list = new EndpointList();
  if (isIP(host) !== 0) {
    list.set(fallback);
    return { current: () => list.endpoints, ready: () => list.readyPromise, subscribe: (f) => list.subscribe(f), close: () => undefined };
  }
  const resolve4 = opts.resolve4 ?? ((h: string) => dns.resolve4(h));
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  const refresh = async (): Promise<void> => {
    try {
      const ips = [...new Set(await resolve4(host))].sort();
      if (ips.length === 0) throw new Error('no A records');
      list.set(ips.map((ip) => ({ id: `${ip}:${base.port}`, url: endpointUrl(base, ip) })));
    } catch {
      // Keep what we had; before the first answer, the address itself is the best guess.
      if (list.endpoints.length === 0) list.set(fallback);
    }
    if (!closed) {
      timer = setTimeout(() => void refresh(), opts.intervalMs ?? 5000);
      timer.unref();
    }
  };
  void refresh();
  return {
    current: () => list.endpoints,
    ready: () => list.readyPromise,
    subscribe: (f) => list.subscribe(f),
    close: () => {
      closed = true;
      if (timer) clearTimeout(timer);
    },
  };
}

function endpointUrl(base: URL, ip: string): string {
  const u = new URL(base.origin);
  u.hostname = ip;
  return u.origin;
}
