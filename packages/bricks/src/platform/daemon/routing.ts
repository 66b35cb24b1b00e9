// What the supervisor needs of a service address (the proxy behind it): the ready replicas to
// send traffic to, and word that one taken out of that set has finished what it was serving.
import type { Service } from '../../stack/model.ts';
import type { Endpoint } from '../proxy/index.ts';

export interface ServiceRoute {
  /** Replaces the set of endpoints that get traffic. */
  setEndpoints(endpoints: readonly Endpoint[]): void;
  /** Resolves once the endpoint has nothing in flight (true), or after `timeoutMs` (false). */
  drained(endpointId: string, timeoutMs: number): Promise<boolean>;
}

/** Routes by service name. Looked up each time: a deploy that adds a service adds its route. */
export interface Routes {
  get(service: string): ServiceRoute | undefined;
}

/** What a service address speaks: HTTP (balanced per request, proxy/service-proxy.ts) or, for a backing service, whole TCP connections (proxy/tcp-proxy.ts). */
export type AddressProtocol = 'http' | 'tcp';

export function addressProtocol(service: Service | undefined): AddressProtocol {
  return service?.backing === undefined ? 'http' : 'tcp';
}
