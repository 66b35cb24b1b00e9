// Where a client learns the live endpoints of a target service. Implementations: the local
// platform's discovery document (long-polled), DNS A records (Swarm dnsrr / headless k8s
// Service), or a fixed list.

export interface Endpoint {
  /** Stable id, e.g. `catalog.2`; the url when nothing better is known. */
  readonly id: string;
  /** Base url every SDK endpoint serves fast + Connect + gRPC on, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  /**
   * A service address behind the platform's HTTP proxy rather than a replica: it speaks HTTP
   * (Connect, gRPC) but not the fast transport, which is a protocol between SDK peers.
   */
  readonly viaProxy?: boolean;
}

export interface EndpointSource {
  /** The endpoints as last known; empty before the first answer or when none are ready. */
  current(): readonly Endpoint[];
  /** Resolves once a first answer (or a first failure) is in. */
  ready(): Promise<void>;
  /** Called on every change; returns an unsubscribe function. */
  subscribe(listener: (endpoints: readonly Endpoint[]) => void): () => void;
  close(): void;
  /**
   * Where calls go when no listed replica can take them: the service address, whose proxy
   * holds a request until a replica is ready. Absent when the source knows none.
   */
  readonly fallback?: Endpoint;
}

/** A list that never changes. */
export function staticSource(endpoints: readonly Endpoint[]): EndpointSource {
  return {
    current: () => endpoints,
    ready: () => Promise.resolve(),
    subscribe: () => () => undefined,
    close: () => undefined,
  };
}

/** Shared plumbing for sources whose list changes: holds it and tells subscribers. */
export class EndpointList {
  #endpoints: readonly Endpoint[] = [];
  readonly #listeners = new Set<(endpoints: readonly Endpoint[]) => void>();
  #ready!: () => void;
  readonly readyPromise = new Promise<void>((r) => (this.#ready = r));

  get endpoints(): readonly Endpoint[] {
    return this.#endpoints;
  }

  set(endpoints: readonly Endpoint[]): void {
    this.#ready();
    if (sameList(this.#endpoints, endpoints)) return;
    this.#endpoints = endpoints;
    for (const l of this.#listeners) l(endpoints);
  }

  markReady(): void {
    this.#ready();
  }

  subscribe(listener: (endpoints: readonly Endpoint[]) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

function sameList(a: readonly Endpoint[], b: readonly Endpoint[]): boolean {
  return a.length === b.length && a.every((e, i) => e.id === b[i]?.id && e.url === b[i]?.url);
}
