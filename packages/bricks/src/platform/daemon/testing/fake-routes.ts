// Service addresses without sockets, for the supervisor's tests: each route keeps the endpoint
// set it was given and writes every change and drain to the shared journal; drains finish at
// once unless the test holds them.
import type { Endpoint } from '../../proxy/index.ts';
import type { Routes, ServiceRoute } from '../routing.ts';

export class FakeRoute implements ServiceRoute {
  endpoints: readonly Endpoint[] = [];
  private hold = false;
  private readonly draining = new Map<string, (drained: boolean) => void>();

  constructor(
    readonly service: string,
    private readonly journal: string[],
  ) {}

  setEndpoints(endpoints: readonly Endpoint[]): void {
    this.endpoints = endpoints;
    this.journal.push(`route ${this.service} [${endpoints.map((e) => e.id).join(' ')}]`);
  }

  drained(endpointId: string, _timeoutMs: number): Promise<boolean> {
    this.journal.push(`drain ${this.service} ${endpointId}`);
    if (!this.hold) return Promise.resolve(true);
    return new Promise((resolve) => this.draining.set(endpointId, resolve));
  }

  /** From now on a drain lasts until `finishDrain` (requests still in flight). */
  holdDrains(): void {
    this.hold = true;
  }

  finishDrain(endpointId: string): void {
    const resolve = this.draining.get(endpointId);
    if (resolve === undefined) throw new Error(`${endpointId} is not draining from ${this.service}`);
    this.draining.delete(endpointId);
    this.journal.push(`drained ${this.service} ${endpointId}`);
    resolve(true);
  }
}

export class FakeRoutes implements Routes {
  private readonly routes = new Map<string, FakeRoute>();

  constructor(
    services: readonly string[],
    private readonly journal: string[],
  ) {
    for (const s of services) this.routes.set(s, new FakeRoute(s, journal));
  }

  get(service: string): FakeRoute | undefined {
    return this.routes.get(service);
  }

  /** The route of a service the test set up; throws otherwise. */
  of(service: string): FakeRoute {
    const r = this.routes.get(service);
    if (r === undefined) throw new Error(`no route for ${service}`);
    return r;
  }
}
