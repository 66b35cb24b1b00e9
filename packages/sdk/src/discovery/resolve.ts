// Picks the endpoint source for a target service from the environment: the platform's list
// when there is a discovery URL, DNS on the service address otherwise.
import { readPlatformEnv, serviceUrl } from '../config/platform-env.ts';
import { dnsSource } from './dns.ts';
import type { Endpoint, EndpointSource } from './endpoint-source.ts';
import { staticSource } from './endpoint-source.ts';
import { PlatformDiscovery } from './platform.ts';

const watchers = new Map<string, PlatformDiscovery>();

/** One watcher per discovery URL per process. */
function platformDiscovery(url: string): PlatformDiscovery {
  let w = watchers.get(url);
  if (!w) {
    w = new PlatformDiscovery({ url });
    watchers.set(url, w);
  }
  return w;
}

/**
 * The endpoints of `service`: an explicit url wins (static); then BRICKS_DISCOVERY_URL (the
 * local platform, with the service address as the fallback while no replica is listed);
 * then `<NAME>_URL` through DNS. undefined when nothing says where the service is.
 */
export function resolveTarget(service: string, opts: { url?: string; env?: Readonly<Record<string, string | undefined>> } = {}): EndpointSource | undefined {
  if (opts.url !== undefined) return staticSource([{ id: opts.url, url: new URL(opts.url).origin }]);
  const env = opts.env ?? process.env;
  const { discoveryUrl } = readPlatformEnv(env);
  const address = serviceUrl(service, env);
  if (discoveryUrl !== undefined) {
    const src = platformDiscovery(discoveryUrl).source(service);
    if (address === undefined) return src;
    const fallback = [{ id: address, url: new URL(address).origin, viaProxy: true }];
    // Both reads and change notices fall back: a balancer told "no endpoints" while a lone
    // replica restarts would fail calls the service address (whose proxy waits) can carry.
    const withFallback = (eps: readonly Endpoint[]): readonly Endpoint[] => (eps.length > 0 ? eps : fallback);
    return {
      ...src,
      fallback: fallback[0],
      current: () => withFallback(src.current()),
      subscribe: (listener) => src.subscribe((eps) => listener(withFallback(eps))),
    };
  }
  if (address !== undefined) return dnsSource({ url: address });
  return undefined;
}

/** Stops every platform watcher (tests; process shutdown). */
export function closeDiscovery(): void {
  for (const w of watchers.values()) w.close();
  watchers.clear();
}
