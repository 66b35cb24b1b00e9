// serve(): one replica's server. It listens on one port ($PORT) for every protocol, answers
// health and metrics there, registers its services for in-process calls, and shuts down
// gracefully on SIGTERM: not ready first, then stop accepting, finish in-flight, exit.
import { createServer as createHttp1Server, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttp2Server, type Http2ServerRequest, type Http2ServerResponse, type Http2Session } from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';
import { connectNodeAdapter } from '@connectrpc/connect-node';
import { authenticatorFromEnv } from '../auth/authenticator.ts';
import { readPlatformEnv } from '../config/platform-env.ts';
import { DRAIN_DELAY_MS_VARIABLE } from '../config/platform-env-names.js';
import { parseResilience, resolveOverload, resolvePolicy } from '../resilience/policy.ts';
import { logger as defaultLogger, type Logger } from '../telemetry/logger.ts';
import { loadFast, type FastServerLike } from '../transport/fast-module.ts';
import { connectRoutes } from './connect-routes.ts';
import { Dispatcher } from './dispatcher.ts';
import { fastHandler, fastStreamHandler } from './fast-handler.ts';
import { grpcCalls } from './grpc/calls.ts';
import { splitGrpc } from './grpc/split.ts';
import { serveHttpRoute } from './http-routes.ts';
import type { ServiceImplementation } from './implement.ts';
import type { Interceptor } from '../interceptors/interceptor.ts';
import { sniffingServer } from './listener.ts';
import { startTracing, stopTracing } from '../tracing/export.ts';
import { localChanged, registerLocal, unregisterLocal } from './local-registry.ts';
import { processState } from './process-state.ts';
import { HealthState } from './standard/health.ts';
import { reflection } from './standard/reflection.ts';
import { noticeReady } from './ready-notice.ts';
import { OverloadGate, REFUSED, refuseHttp } from './overload/index.ts';

export interface ServeOptions {
  readonly services: readonly ServiceImplementation[];
  /** Around every call of these services, outermost first (see interceptors/interceptor.ts). */
  readonly interceptors?: readonly Interceptor[];
  /** Default: $PORT, else 0 (any free port). */
  readonly port?: number;
  /** Default: all interfaces (Swarm/Kubernetes need that); tests pass 127.0.0.1. */
  readonly host?: string;
  /** Time from SIGTERM to exit. Default: $BRICKS_STOP_GRACE_MS, else 10 s (Compose's stop_grace_period default). */
  readonly graceMs?: number;
  /**
   * How long to keep serving after turning not-ready, so that balancers notice before the
   * port closes. Default: $BRICKS_DRAIN_DELAY_MS, else 1 s (capped at a quarter of the grace).
   */
  readonly drainDelayMs?: number;
  /** Exit the process on SIGTERM/SIGINT after a graceful shutdown. Default true. */
  readonly handleSignals?: boolean;
  readonly logger?: Logger;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface Server {
  readonly port: number;
  /** `http://127.0.0.1:<port>`: where a test or a sidecar on this host reaches the replica. */
  readonly url: string;
  readonly ready: boolean;
  /** Whether the fast transport is served on the port (false while it is not part of the build). */
  readonly fast: boolean;
  /**
   * What grpc.health.v1.Health says of one service ("" for all): false turns it NOT_SERVING
   * (readiness still rules: nothing is SERVING while the server is not ready).
   */
  setServing(service: string, serving: boolean): void;
  /** Adds services to this running server (an `x-bricks.group` process serving several), with their interceptors. */
  add(services: readonly ServiceImplementation[], interceptors?: readonly Interceptor[]): void;
  /** Graceful: not ready, wait drainDelayMs, stop accepting, finish in-flight calls (up to the grace). */
  shutdown(): Promise<void>;
}

/** The servers of this process, by port: a second serve() on the same port joins the first. */
const running = processState<Server>().servers;

export async function serve(opts: ServeOptions): Promise<Server> {
  const env = opts.env ?? process.env;
  const penv = readPlatformEnv(env);
  const port = opts.port ?? penv.port ?? 0;
  const existing = port !== 0 ? running.get(port) : undefined;
  if (existing) {
    existing.add(opts.services, opts.interceptors);
    return existing;
  }

  const log = opts.logger ?? defaultLogger;
  const graceMs = opts.graceMs ?? penv.stopGraceMs ?? 10_000;
  const drainEnv = env[DRAIN_DELAY_MS_VARIABLE];
  const drainDelayMs = Math.min(opts.drainDelayMs ?? (drainEnv !== undefined && /^\d+$/.test(drainEnv) ? Number(drainEnv) : 1000), graceMs / 4);
  const spec = parseResilience(penv.resilience);
  const policy = resolvePolicy(spec, undefined, undefined);
  const overload = resolveOverload(spec);
  const gate = overload.enabled ? new OverloadGate(overload) : undefined;

  // Before any call: the spans of the first calls are exported too.
  startTracing(env, opts.services[0]?.service.typeName);
  const dispatcher = new Dispatcher({ logger: log, defaultTimeoutMs: policy.timeoutMs, onServicesAdded: localChanged, auth: authenticatorFromEnv(env), overload: gate });
  for (const s of opts.services) dispatcher.add(s, { interceptors: opts.interceptors });
  // The standard services speak for this replica: not offered to co-located clients; left out
  // where the application serves its own.
  const health = new HealthState(() => dispatcher.services);
  for (const impl of [health.implementation(), ...reflection(() => dispatcher.descriptors)]) {
    if (!dispatcher.services.includes(impl.service.typeName)) dispatcher.add(impl, { local: false });
  }

  let ready = false;
  let draining = false;
  let rpc = connectNodeAdapter({ routes: connectRoutes(dispatcher) });
  // Requests running per HTTP/1 socket, so that a drain can close the idle keep-alive ones.
  const active = new Map<Socket, number>();
  const onRequest = (req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse): void => {
    if (req.httpVersionMajor === 1) {
      const sock = req.socket;
      active.set(sock, (active.get(sock) ?? 0) + 1);
      res.once('close', () => {
        const n = (active.get(sock) ?? 1) - 1;
        if (n === 0) active.delete(sock);
        else active.set(sock, n);
        if (draining && n === 0) sock.end();
      });
      if (draining) (res as ServerResponse).setHeader('connection', 'close');
    }
    if (serveHttpRoute(req, res, { ready: () => ready })) return;
    if (gate !== undefined && dispatcher.route(pathOf(req.url))?.limited === true) {
      // Admitted or refused before ConnectRPC reads or decodes anything.
      const entered = gate.enter();
      if (entered === REFUSED) {
        refuseHttp(req, res);
        return;
      }
      // A response that did not finish: its caller left, which says nothing of latency.
      res.once('close', () => gate.leave(entered, res.writableFinished));
    }
    rpc(req, res);
  };
  const http1 = createHttp1Server(onRequest);
  const http2 = createHttp2Server({}, onRequest);
  // gRPC's own path; the dispatcher's routes are read per call, so services added later are served too.
  const directGrpc = splitGrpc(http2, grpcCalls(dispatcher));
  const sessions = new Set<Http2Session>();
  http2.on('session', (s) => {
    sessions.add(s);
    s.once('close', () => sessions.delete(s));
  });

  const fast = await loadFast();
  let fastServer: FastServerLike | undefined;
  if (fast) fastServer = new fast.FastServer(fastHandler(fast, dispatcher), { streams: fastStreamHandler(fast, dispatcher) });
  const fastTarget = fast && fastServer ? { isPreamble: (b: Uint8Array) => fast.isFastPreamble(b), accept: (s: Socket, b: Buffer) => fastServer.acceptSocket(s, b) } : undefined;
  const { server: net, sockets, http1Sockets } = sniffingServer({ http1, http2, fast: fastTarget });

  await new Promise<void>((resolve, reject) => {
    net.once('error', reject);
    net.listen({ port, host: opts.host }, () => {
      net.off('error', reject);
      resolve();
    });
  });
  const actualPort = (net.address() as AddressInfo).port;
  registerLocal(dispatcher);
  ready = true;
  health.setReady(true);

  let stopping: Promise<void> | undefined;
  const shutdown = (): Promise<void> => {
    stopping ??= (async () => {
      const deadline = Date.now() + graceMs;
      ready = false;
      health.setReady(false);
      log.info({ drainDelayMs, graceMs, inFlight: dispatcher.inFlight }, 'shutting down: not ready');
      await delay(drainDelayMs);
      draining = true;
      health.close();
      running.delete(actualPort);
      const closed = new Promise<void>((r) => net.close(() => r()));
      for (const s of sessions) s.close();
      const closeIdleHttp1 = (): void => {
        for (const s of http1Sockets) if (!active.has(s)) s.end();
      };
      closeIdleHttp1();
      const fastClosed = fastServer?.close(Math.max(0, deadline - Date.now()));
      await Promise.race([dispatcher.idle(), delay(deadline - Date.now())]);
      // Responses are written after the handler returns: let the sockets finish and close.
      closeIdleHttp1();
      await Promise.race([socketsClosed(sockets), delay(Math.max(0, Math.min(deadline - Date.now(), 1000)))]);
      await Promise.race([fastClosed, delay(Math.max(0, deadline - Date.now()))]);
      for (const s of sockets) s.destroy();
      await closed;
      unregisterLocal(dispatcher);
      // The last calls' spans leave before the process does (unless another server of this process still serves).
      if (running.size === 0) await Promise.race([stopTracing(), delay(Math.max(0, Math.min(deadline - Date.now(), 1000)))]);
      log.info({ inFlight: dispatcher.inFlight }, 'shut down');
    })();
    return stopping;
  };

  const server: Server = {
    port: actualPort,
    url: `http://127.0.0.1:${actualPort}`,
    get ready() {
      return ready;
    },
    fast: fastServer !== undefined,
    setServing(service, serving) {
      health.setServing(service, serving);
    },
    add(services, interceptors) {
      for (const s of services) dispatcher.add(s, { interceptors });
      rpc = connectNodeAdapter({ routes: connectRoutes(dispatcher) });
    },
    shutdown,
  };
  running.set(actualPort, server);

  if (opts.handleSignals ?? true) installSignals(log);
  log.info({ port: actualPort, services: dispatcher.services, fast: server.fast, directGrpc, maxConcurrency: gate === undefined ? 'off' : overload.maxConcurrency }, 'serving');
  noticeReady(env);
  return server;
}

function installSignals(log: Logger): void {
  const state = processState();
  if (state.signalsInstalled) return;
  state.signalsInstalled = true;
  const onSignal = (sig: NodeJS.Signals): void => {
    log.info({ signal: sig }, 'signal received');
    Promise.all([...running.values()].map((s) => s.shutdown())).then(
      () => process.exit(0),
      (e: unknown) => {
        log.error({ err: e }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}

/** A request's path without its query (Connect's GET calls carry their message there). */
function pathOf(url: string | undefined): string {
  if (url === undefined) return '';
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, Math.max(0, ms)).unref());
}

function socketsClosed(sockets: Set<Socket>): Promise<void> {
  return new Promise((resolve) => {
    const check = (): void => {
      if (sockets.size === 0) resolve();
    };
    check();
    for (const s of sockets) s.once('close', check);
  });
}
