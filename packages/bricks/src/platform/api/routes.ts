// The control API's routes over a running platform. Each answer is a plain JSON document
// that the CLI prints or the dashboard renders.
import { stackToJson } from '../../stack/index.ts';
import { DeployError } from '../daemon/deploy-error.ts';
import type { Deployer } from '../daemon/deployer.ts';
import type { Supervisor } from '../daemon/supervisor.ts';
import { ReleaseError } from '../releases/index.ts';
import type { LogStore } from '../telemetry/logs.ts';
import { processUsage } from '../telemetry/usage.ts';
import type { DeployProgress, DeployResult, LogLine, OperationLine, PlatformEvent } from './contract/index.ts';
import { ApiError } from './errors.ts';
import { streamOf } from './server.ts';
import type { Route } from './server.ts';

export interface RouteDeps {
  readonly supervisor: Supervisor;
  readonly deployer: Deployer;
  readonly logs: LogStore;
  readonly shutdown: () => void;
  readonly persist: () => Promise<void>;
}

/** Long-poll limit for discovery watches: below common idle timeouts of HTTP clients. */
const DISCOVERY_WATCH_MS = 25_000;

export function routes(deps: RouteDeps): Route[] {
  const { logs } = deps;
  // The supervisor is created after the API (it needs the API's address), so read it late.
  const sup = (): Supervisor => deps.supervisor;
  return [
    {
      method: 'GET',
      path: '/v1/status',
      handler: async (req) => {
        const services = sup().status();
        const pids = services.flatMap((s) => s.replicas.map((r) => r.pid)).filter((p): p is number => p !== null);
        // ?usage=0: no CPU and memory, which cost a walk of /proc (a waiting `up` asks often).
        const usage = req.query.get('usage') === '0' ? new Map<number, never>() : await processUsage(pids);
        return {
          kind: 'json',
          body: {
            stack: sup().stack.name,
            file: sup().stack.file,
            services: services.map((s) => ({
              ...s,
              replicas: s.replicas.map((r) => ({ ...r, ...(r.pid !== null ? usage.get(r.pid) : undefined) })),
            })),
          },
        };
      },
    },
    { method: 'GET', path: '/v1/config', handler: async () => ({ kind: 'json', body: stackToJson(sup().stack) }) },
    {
      method: 'POST',
      path: '/v1/scale',
      handler: async (req) => {
        const body = req.body as { service?: unknown; replicas?: unknown };
        if (typeof body.service !== 'string' || !(body.service in sup().stack.services)) {
          throw new ApiError('not-found', `no service '${String(body.service)}'; services are ${Object.keys(sup().stack.services).join(', ')}`);
        }
        if (typeof body.replicas !== 'number' || !Number.isInteger(body.replicas) || body.replicas < 0) {
          throw new ApiError('bad-request', `replicas must be a whole number ≥ 0, got ${JSON.stringify(body.replicas)}`);
        }
        sup().setScale(body.service, body.replicas);
        await deps.persist();
        return { kind: 'json', body: { service: body.service, replicas: body.replicas } };
      },
    },
    {
      method: 'POST',
      path: '/v1/restart',
      handler: async (req) => {
        const body = req.body as { service?: unknown };
        if (typeof body.service !== 'string' || !(body.service in sup().stack.services)) {
          throw new ApiError('not-found', `no service '${String(body.service)}'`);
        }
        sup().restart(body.service);
        return { kind: 'json', body: { service: body.service, restarting: true } };
      },
    },
    {
      method: 'POST',
      path: '/v1/down',
      handler: async () => {
        // Answer first: the shutdown takes the API down with it.
        setImmediate(deps.shutdown);
        return { kind: 'json', body: { stopping: true } };
      },
    },
    {
      method: 'GET',
      path: '/v1/events',
      handler: async (req) => ({
        kind: 'stream',
        lines: streamOf<PlatformEvent>((push) => sup().events.subscribe(push), req.signal, req.query.has('history') ? sup().events.history() : []),
      }),
    },
    {
      method: 'GET',
      path: '/v1/logs',
      handler: async (req) => {
        const services = req.query.getAll('service');
        for (const s of services) if (!(s in sup().stack.services)) throw new ApiError('not-found', `no service '${s}'`);
        const tail = Number(req.query.get('tail') ?? '200');
        const past = logs.tail(services, Number.isFinite(tail) ? tail : 200);
        if (req.query.get('follow') !== '1') return { kind: 'json', body: past };
        const wanted = (l: LogLine): boolean => services.length === 0 || services.includes(l.service);
        return {
          kind: 'stream',
          lines: streamOf<LogLine>((push) => logs.live.subscribe((l) => wanted(l) && push(l)), req.signal, past),
        };
      },
    },
    {
      method: 'POST',
      path: '/v1/deploy',
      handler: async () => ({ kind: 'stream', lines: operationStream((progress) => deps.deployer.deploy(progress)) }),
    },
    {
      method: 'POST',
      path: '/v1/rollback',
      handler: async (req) => {
        const ref = (req.body as { ref?: unknown }).ref ?? '-1';
        if (typeof ref !== 'string') throw new ApiError('bad-request', 'ref must be a SHA (prefix) or -N');
        await apiCall(async () => deps.deployer.store()); // refuses early, with a clear message, without releases
        return { kind: 'stream', lines: operationStream((progress) => deps.deployer.rollback(ref, progress)) };
      },
    },
    {
      method: 'GET',
      path: '/v1/history',
      handler: async () => {
        const entries = await apiCall(() => deps.deployer.history());
        const store = await apiCall(async () => deps.deployer.store());
        const rows = [];
        for (const e of entries) {
          const previous = e.release.previous === undefined ? undefined : await store.get(e.release.previous);
          const changes = previous === undefined ? Object.keys(e.release.services).map((name) => ({ name, change: 'added' })) : (await store.diff(previous, e.release)).services;
          rows.push({ ...e, changes });
        }
        const current = await store.current();
        return { kind: 'json', body: { current: current?.release.id ?? null, releases: rows } };
      },
    },
    {
      method: 'GET',
      path: '/v1/diff',
      handler: async (req) => {
        const store = await apiCall(async () => deps.deployer.store());
        const [a, b] = [req.query.get('a'), req.query.get('b')];
        if (a === null || b === null) throw new ApiError('bad-request', 'diff needs two releases: ?a=REF&b=REF');
        const [ra, rb] = await apiCall(() => Promise.all([store.resolve(a), store.resolve(b)]));
        return { kind: 'json', body: { a: ra.release, b: rb.release, diff: await store.diff(ra.release, rb.release) } };
      },
    },
    {
      method: 'GET',
      path: '/v1/discovery',
      public: true,
      handler: async (req) => {
        const version = Number(req.query.get('version'));
        if (req.query.get('watch') === '1' && Number.isFinite(version)) await sup().waitForDiscovery(version, DISCOVERY_WATCH_MS);
        return { kind: 'json', body: sup().discovery() };
      },
    },
  ];
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

function errorLine(err: unknown): { code: string; message: string } {
  if (err instanceof DeployError || err instanceof ReleaseError) return { code: err.code, message: err.message };
  return { code: 'internal', message: err instanceof Error ? err.message : String(err) };
}

/** Release and deploy errors become API errors with the right status. */
async function apiCall<T>(op: () => Promise<T>): Promise<T> {
  try {
    return await op();
  } catch (err) {
    if (err instanceof ReleaseError) throw new ApiError(err.code === 'not-found' || err.code === 'bad-ref' || err.code === 'ambiguous' ? 'not-found' : 'internal', err.message, { cause: err });
    if (err instanceof DeployError) throw new ApiError(err.code === 'no-releases' ? 'conflict' : 'bad-request', err.message, { cause: err });
    throw err;
  }
}
