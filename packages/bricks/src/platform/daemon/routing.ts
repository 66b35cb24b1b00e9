// What the supervisor needs of a service address (the proxy behind it): the ready replicas to
// send traffic to, and word that one taken out of that set has finished what it was serving.
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
