// The control API's routes over a running platform, reached only through the ports in
// ports.ts. Each answer is a document or a stream of lines of the contract, which the CLI
// prints and the dashboard renders.
import { stackToJson } from '../../stack/index.ts';
import { localReplicaProblem } from '../local-limits.ts';
import { matchesLog } from '../telemetry/log-filter.ts';
import { CodedError } from '../../util/coded-error.ts';
import { DEFAULT_LOG_TAIL, DEFAULT_ROLLBACK_REF } from './contract/index.ts';
import type { DeployProgress, DeployResult, LogLine, OperationLine, PlatformEvent } from './contract/index.ts';
import { ApiError } from './errors.ts';
import type { DashboardPort, EventFeed, IdentityPort, LogsPort, MetricsPort, ReleasesPort, ServicesPort, TracesPort, UsageReader } from './ports.ts';
import { routeTable } from './route-table.ts';
import { streamOf } from './server.ts';
import { EXPOSITION_CONTENT_TYPE } from '../telemetry/exposition-writer.ts';
import { DEFAULT_RANGE_STEP_MS, DEFAULT_RANGE_WINDOW_MS, DEFAULT_TOP_WINDOW_MS } from './contract/index.ts';
import type { Route } from './server.ts';

export interface RouteDeps {
  readonly services: ServicesPort;
  readonly events: EventFeed<PlatformEvent>;
  readonly logs: LogsPort;
  readonly releases: ReleasesPort;
  readonly usage: UsageReader;
  readonly metrics: MetricsPort;
  readonly traces: TracesPort;
  /** The identity issuer; without one its routes answer not-found. */
  readonly identity?: IdentityPort;
  /** The dashboard; without one its login route answers not-found. */
  readonly dashboard?: DashboardPort;
  /** Stops the daemon; the answer to `down` is sent first. */
  readonly shutdown: () => void;
  /** Writes the scale settings, so that they survive a daemon restart. */
  readonly persist: () => Promise<void>;
}

/** Long-poll limit for discovery watches: below common idle timeouts of HTTP clients. */
const DISCOVERY_WATCH_MS = 25_000;

export function routes(deps: RouteDeps): Route[] {
  const { services, logs, releases } = deps;
  const known = (service: string): boolean => service in services.stack.services;
  const issuer = (): IdentityPort => {
    if (deps.identity === undefined) throw new ApiError('not-found', 'this daemon issues no identity tokens');
    return deps.identity;
  };
  return routeTable({
    status: async (query) => {
      const status = services.status();
      const pids = status.flatMap((s) => s.replicas.map((r) => r.pid)).filter((p): p is number => p !== null);
      const usage = query.usage === false ? new Map<number, never>() : await deps.usage(pids);
      return {
        kind: 'json',
        body: {
          stack: services.stack.name,
          file: services.stack.file,
          services: status.map((s) => ({
            ...s,
            replicas: s.replicas.map((r) => ({ ...r, ...(r.pid !== null ? usage.get(r.pid) : undefined) })),
          })),
        },
      };
    },
    config: async () => ({ kind: 'json', body: stackToJson(services.stack) }),
    scale: async ({ service, replicas }) => {
      if (!known(service)) throw new ApiError('not-found', `no service '${service}'; services are ${Object.keys(services.stack.services).join(', ')}`);
      // An autoscaled service's count is the autoscaler's; its bounds are the stack file's.
      const autoscale = services.stack.services[service]?.bricks.autoscale;
      if (autoscale !== undefined) {
        throw new ApiError('conflict', `${service} is autoscaled (x-bricks.autoscale, max ${autoscale.max}): the autoscaler sets its replicas; change min and max in ${services.stack.file} and deploy`);
      }
      // The stack file's limit holds for `bricks scale` too.
      const tooMany = localReplicaProblem(services.stack, service, replicas);
      if (tooMany !== null) throw new ApiError('bad-request', tooMany);
      services.setScale(service, replicas);
      await deps.persist();
      return { kind: 'json', body: { service, replicas } };
    },
    restart: async ({ service }) => {
      if (!known(service)) throw new ApiError('not-found', `no service '${service}'`);
      services.restart(service);
      return { kind: 'json', body: { service, restarting: true } };
    },
    down: async () => {
      // Answer first: the shutdown takes the API down with it.
      setImmediate(deps.shutdown);
      return { kind: 'json', body: { stopping: true } };
    },
    events: async (query, { signal }) => ({
      kind: 'stream',
      lines: streamOf<PlatformEvent>((push) => deps.events.subscribe(push), signal, query.history === true ? deps.events.history() : []),
    }),
    logs: async (query, { signal }) => {
      const wanted = query.services ?? [];
      for (const s of wanted) if (!known(s)) throw new ApiError('not-found', `no service '${s}'`);
      const { tail, follow: _follow, ...filter } = query;
      const past = logs.query(filter, tail ?? DEFAULT_LOG_TAIL);
      if (query.follow !== true) return { kind: 'json', body: past };
      const matches = (l: LogLine): boolean => matchesLog(l, filter);
      return {
        kind: 'stream',
        lines: streamOf<LogLine>((push) => logs.live.subscribe((l) => matches(l) && push(l)), signal, past),
      };
    },
    deploy: async () => ({ kind: 'stream', lines: operationStream((progress) => releases.deploy(progress)) }),
    rollback: async ({ ref }) => {
      releases.requireReleases(); // refuses early, with a clear message, without releases
      return { kind: 'stream', lines: operationStream((progress) => releases.rollback(ref ?? DEFAULT_ROLLBACK_REF, progress)) };
    },
    history: async () => ({ kind: 'json', body: await releases.history() }),
    diff: async ({ a, b }) => ({ kind: 'json', body: await releases.diff(a, b) }),
    secretsReload: async () => ({ kind: 'stream', lines: operationStream((progress) => releases.reloadSecrets(progress)) }),
    identityDiscovery: async () => ({ kind: 'json', body: issuer().discovery }),
    identityKeys: async () => ({ kind: 'json', body: issuer().jwks }),
    identityToken: async (req) => ({ kind: 'json', body: await issuer().userToken(req) }),
    otlpTraces: async (body) => ({ kind: 'json', body: deps.traces.ingest(body) }),
    traces: async (query) => ({ kind: 'json', body: deps.traces.list(query) }),
    trace: async ({ id }) => {
      const doc = deps.traces.get(id);
      if (doc === undefined) throw new ApiError('not-found', `no trace ${id} in the store: it may be older than the store keeps (bricks traces lists what it has)`);
      return { kind: 'json', body: doc };
    },
    discovery: async ({ watch, version }) => {
      if (watch === true && version !== undefined && Number.isFinite(version)) await services.waitForDiscovery(version, DISCOVERY_WATCH_MS);
      return { kind: 'json', body: services.discovery() };
    },
    metrics: async () => ({ kind: 'text', body: deps.metrics.text(), contentType: EXPOSITION_CONTENT_TYPE }),
    prometheusTargets: async () => ({ kind: 'json', body: deps.metrics.targets() }),
    top: async ({ windowMs }) => ({ kind: 'json', body: await deps.metrics.top(windowMs ?? DEFAULT_TOP_WINDOW_MS) }),
    metricsRange: async ({ windowMs, stepMs }) => ({ kind: 'json', body: deps.metrics.range(windowMs ?? DEFAULT_RANGE_WINDOW_MS, stepMs ?? DEFAULT_RANGE_STEP_MS) }),
    dashboardLogin: async () => {
      if (deps.dashboard === undefined) throw new ApiError('not-found', 'this daemon serves no dashboard');
      return { kind: 'json', body: deps.dashboard.loginUrl() };
    },
  });
}

/**
 * Streams a deploy's progress and its result. The operation goes on in the daemon even if
 * the client leaves: a half-done rollout is worse than an unwatched one.
 */
function operationStream(run: (progress: (p: DeployProgress) => void) => Promise<DeployResult>): AsyncIterable<OperationLine> {
  const queue: OperationLine[] = [];
  let wake: (() => void) | null = null;
  let done = false;
  const push = (line: OperationLine): void => {
    queue.push(line);
    wake?.();
  };
  run((progress) => push({ kind: 'progress', progress }))
    .then((result) => push({ kind: 'result', result }))
    .catch((err: unknown) => push({ kind: 'error', ...errorLine(err) }))
    .finally(() => {
      done = true;
      wake?.();
    });
  return {
    async *[Symbol.asyncIterator]() {
      for (;;) {
        const next = queue.shift();
        if (next !== undefined) {
          yield next;
          continue;
        }
        if (done) return;
        await new Promise<void>((r) => (wake = r));
        wake = null;
      }
    },
  };
}

/** Every layer's error carries a code of its own (a DeployError's, a ReleaseError's); anything else is internal. */
function errorLine(err: unknown): { code: string; message: string } {
  if (err instanceof CodedError) return { code: String(err.code), message: err.message };
  return { code: 'internal', message: err instanceof Error ? err.message : String(err) };
}
