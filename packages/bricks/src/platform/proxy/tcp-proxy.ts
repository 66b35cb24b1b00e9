// The listener behind a backing service's address (a database speaks its own protocol, not HTTP):
// each connection is piped whole to a ready endpoint. A connection that arrives while no
// endpoint is ready (the server is restarting) is held, not refused, for up to the wait, so a
// client's reconnect rides out a restart as an HTTP request does.
import net from 'node:net';
import { ProxyError } from './errors.ts';
import { LoadMeter } from './load-meter.ts';
import { RequestMetrics } from './request-metrics.ts';
import type { Endpoint, ServiceProxy, ServiceProxyOptions } from './types.ts';
import { defaultMaxWaiting, defaultWaitForEndpointMs } from './service-proxy.ts';

interface Held {
  readonly socket: net.Socket;
  readonly since: number;
  readonly timer: NodeJS.Timeout;
}

export async function startTcpProxy(options: ServiceProxyOptions): Promise<ServiceProxy> {
  const waitMs = options.waitForEndpointMs ?? defaultWaitForEndpointMs;
  const maxWaiting = options.maxWaiting ?? defaultMaxWaiting;
  let endpoints: readonly Endpoint[] = [];
  let next = 0;
  let closed = false;
  let accepted = 0;
  let failures = 0;
  let noEndpoint = 0;
  const served: Record<string, number> = {};
  const open = new Map<string, Set<net.Socket>>();
  const sockets = new Set<net.Socket>();
  const held = new Set<Held>();
  const meter = new LoadMeter();
  const metrics = new RequestMetrics();

  const connect = (client: net.Socket, endpoint: Endpoint): void => {
    const upstream = net.connect({ host: endpoint.host, port: endpoint.port, noDelay: true });
    sockets.add(upstream);
    const set = open.get(endpoint.id) ?? new Set<net.Socket>();
    open.set(endpoint.id, set);
    set.add(client);
    served[endpoint.id] = (served[endpoint.id] ?? 0) + 1;
    meter.enter();
    let ended = false;
    const end = (): void => {
      if (ended) return;
      ended = true;
      meter.leave();
      set.delete(client);
      sockets.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', (err) => {
      options.onEvent?.({ kind: 'upstream-error', service: options.service, protocol: 'tcp', endpointId: endpoint.id, code: 'upstream-connect', message: err.message, retried: false });
      end();
    });
    client.on('close', end);
    upstream.on('close', end);
    client.pipe(upstream).pipe(client);
    client.resume();
  };

  const dispatch = (client: net.Socket): boolean => {
    if (endpoints.length === 0) return false;
    const endpoint = endpoints[next++ % endpoints.length];
    if (endpoint === undefined) return false;
    connect(client, endpoint);
    return true;
  };

  const wake = (): void => {
    for (const h of [...held]) {
      if (endpoints.length === 0) return;
      held.delete(h);
      clearTimeout(h.timer);
      metrics.waited(performance.now() - h.since);
      if (!h.socket.destroyed) dispatch(h.socket);
    }
  };

  const server = net.createServer({ allowHalfOpen: false, noDelay: true, pauseOnConnect: true }, (client) => {
    accepted++;
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    if (dispatch(client)) return;
    if (held.size >= maxWaiting) {
      failures++;
      client.destroy();
      return;
    }
    options.onDemand?.();
    const since = performance.now();
    const h: Held = {
      socket: client,
      since,
      timer: setTimeout(() => {
        held.delete(h);
        failures++;
        noEndpoint++;
        options.onEvent?.({ kind: 'no-endpoint', service: options.service, protocol: 'tcp', method: 'connection', path: '', waitedMs: Math.round(performance.now() - since) });
        client.destroy();
      }, waitMs),
    };
    client.on('close', () => {
      clearTimeout(h.timer);
      held.delete(h);
    });
    held.add(h);
  });

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => reject(new ProxyError('bind-failed', `service ${options.service}: cannot listen on ${host}:${options.port}: ${err.message}`, { cause: err }));
    server.once('error', onError);
    server.listen({ host, port: options.port }, () => {
      server.removeListener('error', onError);
      resolve();
    });
  });
  server.on('error', () => {
    // Accept errors (e.g. EMFILE) are transient; the listener keeps going.
  });
  const address = server.address() as net.AddressInfo;

  let closing: Promise<void> | undefined;
  return {
    service: options.service,
    port: address.port,
    setEndpoints(list: readonly Endpoint[]): void {
      if (closed) return;
      endpoints = [...list];
      // A connection to a replica that left stays until that replica ends it: a database session
      // cannot move to another server.
      if (endpoints.length > 0) wake();
    },
    inflight: (endpointId) => open.get(endpointId)?.size ?? 0,
    // A pooled database connection stays open while idle, so "nothing in flight" cannot be told
    // from the connections; the server ends its sessions itself when it is asked to stop.
    drained: () => Promise.resolve(true),
    stats: () => ({ requests: accepted, retries: 0, failures, noEndpoint, served: { ...served } }),
    load: () => meter.read(accepted, held.size),
    metrics: () => ({ requests: metrics.series(), waits: metrics.waits() }),
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        closed = true;
        for (const h of held) clearTimeout(h.timer);
        held.clear();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}
