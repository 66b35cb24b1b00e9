// The platform daemon's life, and the one place its parts are put together: load the stack,
// guard against orphans, bind service addresses and the control API, run the supervisor and the
// deployer, and on `down` or a signal stop everything.
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { loadStack, formatProblem } from '../../stack/index.ts';
import { localLimits } from '../local-limits.ts';
import type { Stack } from '../../stack/model.ts';
import { writeFileAtomic } from '../../util/atomic-file.ts';
import { API, IDENTITY_ISSUER_PATH } from '../api/contract/index.ts';
import type { PlatformEvent } from '../api/contract/index.ts';
import { CodedError } from '../../util/coded-error.ts';
import type { IdentityPort } from '../api/ports.ts';
import { routes } from '../api/routes.ts';
import { listenApi } from '../api/server.ts';
import { Dashboard, loadAssets } from '../../dashboard/index.ts';
import { EventBus } from '../events.ts';
import type { DaemonInfo, ProjectPaths } from '../paths.ts';
import { projectPaths } from '../paths.ts';
import { startServiceProxy, startTcpProxy } from '../proxy/index.ts';
import type { ProxyEvent, ServiceProxy } from '../proxy/index.ts';
import { probers } from '../health/index.ts';
import { noticeReady, processStartTime, ProcessRuntime, Reaper } from '../runtime/index.ts';
import { IdentityIssuer, issueUserToken } from '../secrets/identity-issuer.ts';
import { ReplicaFiles, runtimeRoot } from '../secrets/replica-files.ts';
import { Vault } from '../secrets/vault.ts';
import { LogStore } from '../telemetry/logs.ts';
import { processUsage } from '../telemetry/usage.ts';
import { Metrics } from '../telemetry/metrics.ts';
import { TraceStore, tracesApi } from '../telemetry/traces/index.ts';
import { assignAddresses, DEFAULT_BASE_PORT, readPersisted, writePersisted } from './persisted.ts';
import { Deployer } from './deployer.ts';
import { addressProtocol } from './routing.ts';
import type { AddressProtocol } from './routing.ts';
import { releaseApi } from './release-api.ts';
import { Supervisor } from './supervisor.ts';
import { Autoscaler } from './autoscaler.ts';
import { systemClock } from './clock.ts';
import { cpuCores } from '../telemetry/usage.ts';

export interface RunningDaemon {
  readonly supervisor: Supervisor;
  readonly apiUrl: string;
  /** Resolves when the daemon has stopped everything. */
  readonly done: Promise<void>;
  stop(): Promise<void>;
}

/** invalid-stack: the stack file has problems; secrets: a secret's value cannot be had; no-addresses: a service address could not be opened. */
export type DaemonStartErrorCode = 'invalid-stack' | 'secrets' | 'no-addresses' | 'internal';

export class DaemonStartError extends CodedError<DaemonStartErrorCode> {
  override readonly name = 'DaemonStartError';

  static from(err: unknown, code: DaemonStartErrorCode = 'internal'): DaemonStartError {
    return DaemonStartError.wrap(err, code);
  }
}

/**
 * Builds the daemon's parts once each, in order, handing each what it needs: the event bus
 * first (everything tells it), the service addresses, the API's listener (its address is the
 * replicas' discovery URL), the supervisor, the deployer, and last the routes over them.
 */
/** The daemon's log: a message and, for an event, its fields. */
export type DaemonLog = (msg: string, fields?: Record<string, unknown>) => void;

export async function startDaemon(stackFile: string, log: DaemonLog): Promise<RunningDaemon> {
  const loaded = await loadStack({ file: stackFile, check: localLimits });
  if (!loaded.ok) throw new DaemonStartError('invalid-stack', loaded.problems.map(formatProblem).join('\n'));
  const stack = loaded.stack;
  const paths = projectPaths(stack.dir);
  // Every secret before anything starts: a wrong key or a damaged store starts nothing.
  const vault = new Vault();
  try {
    await vault.refresh(stack);
  } catch (err) {
    throw new DaemonStartError('secrets', `${err instanceof Error ? err.message : String(err)}; nothing was started`, { cause: err });
  }

  const persisted = await readPersisted(paths.state);
  // Where replicas' secret files live: the reaper removes them too if the daemon dies.
  const filesRoot = runtimeRoot(stack.dir, join(paths.dir, 'run', 'replicas'));
  const reaper = new Reaper(paths.groups, filesRoot);
  const leftovers = await reaper.start();
  if (leftovers > 0) log(`killed ${leftovers} replica process group(s) left by a previous daemon`);

  const events = new EventBus<PlatformEvent>();
  events.subscribe((e) => log(e.type, { event: e }));
  // Requests waiting at a service address with no ready replica: the autoscaler wakes a unit
  // at zero on them. A bus of its own (no history): it is a signal, not news for the log.
  const demand = new EventBus<string>(0);
  const logs = new LogStore(paths.logs);

  const basePort = basePortOf(stack);
  const addresses = await assignAddresses(Object.keys(stack.services), persisted.addresses, basePort);
  // Spans from the replicas (OTLP) and from the service addresses' proxies.
  const traces = new TraceStore();
  const proxies = new Map<string, ServiceProxy>();
  const openProxy = async (name: string, port: number, protocol: AddressProtocol): Promise<void> => {
    const start = protocol === 'tcp' ? startTcpProxy : startServiceProxy;
    proxies.set(
      name,
      await start({
        service: name,
        port,
        onEvent: (e) => events.emit({ type: 'proxy', service: name, detail: describeProxyEvent(e), at: Date.now() }),
        onDemand: () => demand.emit(name),
        onSpan: (span) => traces.add([span]),
      }),
    );
  };
  try {
    for (const [name, port] of Object.entries(addresses)) await openProxy(name, port, addressProtocol(stack.services[name]));
  } catch (err) {
    await Promise.all([...proxies.values()].map((p) => p.close()));
    await reaper.stop();
    throw new DaemonStartError('no-addresses', `cannot open service addresses: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }

  const token = randomBytes(32).toString('hex');
  const api = await listenApi(token, persisted.apiPort);
  // The daemon is the issuer of service identity; replicas find its keys through discovery.
  const issuer = await IdentityIssuer.create(`${api.url}${IDENTITY_ISSUER_PATH}`, `${api.url}${API.identityKeys.path}`);
  const files = await ReplicaFiles.open(filesRoot, { vault, issuer, audiences: () => Object.keys(addresses) });
  // Every eighth of a token's life: a token is renewed within that of its half-life.
  const renewal = setInterval(() => void files.renew(), issuer.ttlMs / 8);
  renewal.unref();

  const supervisor = new Supervisor({
    stack,
    addresses,
    scale: persisted.scale,
    routes: proxies,
    runtime: new ProcessRuntime(reaper),
    health: probers,
    logs,
    events,
    discoveryUrl: `${api.url}${API.discovery.path}`,
    // OTLP exporters append /v1/traces, which is the API's otlpTraces route.
    otlpEndpoint: api.url,
    files,
    identityIssuer: issuer.issuer,
  });
  const persist = (): Promise<void> => writePersisted(paths.state, { version: 1, addresses, scale: supervisor.scaleOverrides(), apiPort: Number(new URL(api.url).port) });
  const autoscaler = new Autoscaler({
    units: supervisor,
    loadOf: (service) => proxies.get(service)?.load(),
    cpuOf: cpuCores,
    clock: systemClock,
  });
  demand.subscribe((service) => autoscaler.wake(service));
  const metrics = new Metrics({
    proxies,
    status: () => supervisor.status(),
    events,
    usage: processUsage,
    apiHostPort: new URL(api.url).host,
    metricsPath: API.metrics.path,
    stack: stack.name,
    // An HTTP GET sent to a database's port would be read as its wire protocol.
    scraped: (service) => addressProtocol(supervisor.stack.services[service]) === 'http',
  });

  const deployer = await Deployer.open(
    {
      stackFile: stack.file,
      paths,
      supervisor,
      events,
      secrets: { refresh: (s) => vault.refresh(s), versionOf: (unit) => vault.versionOf(unit), rewrite: (unit, names) => files.rewrite(unit, names) },
      // A deploy that brings a new service: give it an address (the next free one) and a proxy.
      addService: async (name, protocol) => {
        if (proxies.has(name)) return;
        // Ours are all bound by our proxies, so the new one starts past the highest.
        const assigned = await assignAddresses([name], {}, Math.max(basePort, ...Object.values(addresses).map((p) => p + 1)));
        const port = assigned[name] ?? 0;
        addresses[name] = port;
        await openProxy(name, port, protocol);
        await persist();
      },
    },
    log,
  );

  let shutdownStarted: Promise<void> | null = null;
  let resolveDone: () => void = () => {};
  const done = new Promise<void>((r) => (resolveDone = r));
  // Every way of stopping (the API's `down`, a signal) ends here, and ends the process's wait.
  const stop = (): Promise<void> => {
    shutdownStarted ??= (async () => {
      log('stopping every replica');
      autoscaler.stop();
      metrics.stop();
      await supervisor.shutdown();
      clearInterval(renewal);
      await files.close();
      await Promise.all([...proxies.values()].map((p) => p.close()));
      await api.close();
      await logs.close();
      await reaper.stop();
      await rm(paths.daemon, { force: true });
      events.emit({ type: 'platform', state: 'down', at: Date.now() });
      log('stopped');
      resolveDone();
    })();
    return shutdownStarted;
  };

  // On the API's own port: one loopback listener, and the page's calls are same-origin.
  const dashboard = new Dashboard({ apiUrl: api.url, stack: stack.name, assets: loadAssets });
  api.serve(
    routes({ services: supervisor, events, logs, releases: releaseApi(deployer), usage: processUsage, metrics, traces: tracesApi(traces), identity: identityApi(issuer), dashboard, shutdown: () => void stop(), persist }),
    dashboard,
  );

  await persist();
  // Both describe this process: not durable (see writeFileAtomic).
  await writeFileAtomic(paths.token, `${token}\n`, 0o600, { durable: false });
  const info: DaemonInfo = { pid: process.pid, startTime: processStartTime(process.pid) ?? undefined, apiUrl: api.url, startedAt: new Date().toISOString(), stackFile: stack.file };
  await writeFileAtomic(paths.daemon, `${JSON.stringify(info, null, 2)}\n`, 0o644, { durable: false });
  // Tells the `bricks up` that started us (ready-notice.ts); before any replica starts, so
  // that none inherits the pipe.
  noticeReady();
  // In the deploy queue, so a `bricks deploy` that arrives meanwhile waits its turn; the API is
  // already up and `ps` shows the replicas coming.
  deployer.restore(log, stack).catch((err: unknown) => log(`could not put the current release back: ${err instanceof Error ? err.message : String(err)}`));
  autoscaler.start();
  metrics.start();
  events.emit({ type: 'platform', state: 'up', at: Date.now() });
  log(`up: ${Object.keys(stack.services).length} service(s), control API ${api.url}`);

  return { supervisor, apiUrl: api.url, done, stop };
}

/** The issuer as the routes see it. */
function identityApi(issuer: IdentityIssuer): IdentityPort {
  return {
    discovery: issuer.discovery,
    jwks: issuer.jwks,
    userToken: async (req) => {
      const t = await issueUserToken(issuer, req, Date.now());
      return { token: t.token, expiresAt: t.expiresAt };
    },
  };
}

function basePortOf(stack: Stack): number {
  return stack.bricks.basePort ?? DEFAULT_BASE_PORT;
}

function describeProxyEvent(e: ProxyEvent): string {
  switch (e.kind) {
    case 'retry':
      return `retried ${e.method} ${e.path} on ${e.toEndpoint} after ${e.reason} from ${e.fromEndpoint}`;
    case 'no-endpoint':
      return `no ready replica for ${e.method} ${e.path} after ${e.waitedMs}ms`;
    case 'upstream-error':
      return `${e.endpointId}: ${e.code} ${e.message}${e.retried ? ' (retried)' : ''}`;
    case 'bad-request':
      return `bad request: ${e.message}`;
  }
}

export { projectPaths };
export type { ProjectPaths };
