// The control API over loopback with fake ports: the client's typed calls and the routes agree
// on the contract (queries, bodies, documents, lines), and requests are checked on the way in.
import assert from 'node:assert/strict';
import type { LogFilter } from '../telemetry/log-filter.ts';
import { after, before, describe, it } from 'node:test';
import { makeStack } from '../../targets/testing/stack-fixture.ts';
import { CodedError } from '../../util/coded-error.ts';
import { EventBus } from '../events.ts';
import { ApiClient } from './client.ts';
import type { DeployProgress, DeployResult, LogLine, OperationLine, PlatformEvent, ServiceStatus } from './contract/index.ts';
import { ApiError } from './errors.ts';
import type { ReleasesPort, ServicesPort } from './ports.ts';
import { routes } from './routes.ts';
import { listenApi } from './server.ts';
import { TraceStore, tracesApi } from '../telemetry/traces/index.ts';
import type { ApiServer } from './server.ts';

const TOKEN = 'secret';

/** Stands for a layer's error (the deployer's, say): the routes know only CodedError. */
class LayerError extends CodedError<'invalid-stack'> {}

const replica = (pid: number | null): ServiceStatus['replicas'][number] => ({
  id: 'api-1-a', name: 'api-1', service: 'api', slot: 1, version: 'v1', phase: 'running', ready: true,
  pid, port: 4100, startedAt: 0, restarts: 0, health: 'ok', stopReason: null,
});

class FakeServices implements ServicesPort {
  readonly stack = makeStack('demo', { api: {}, web: {}, auto: { 'x-bricks': { autoscale: { min: 1, max: 4 } } } });
  readonly scaled: [string, number][] = [];
  readonly restarted: string[] = [];
  status(): readonly ServiceStatus[] {
    return [{
      name: 'api', address: 'http://127.0.0.1:4000', members: [{ name: 'api', address: 'http://127.0.0.1:4000' }], version: 'v1', rollout: null,
      desired: 1, autoscale: null, ready: 1, condition: 'running', restarts: 0, lastExit: null, replicas: [replica(42)],
    }];
  }
  setScale(service: string, replicas: number): void {
    this.scaled.push([service, replicas]);
  }
  restart(service: string): void {
    this.restarted.push(service);
  }
  discovery() {
    return { version: 3, services: { api: { address: 'http://127.0.0.1:4000', endpoints: [{ id: 'api-1-a', url: 'http://127.0.0.1:4100' }] } } };
  }
  async waitForDiscovery(): Promise<void> {}
}

const result: DeployResult = { outcome: 'completed', release: 2, sha: 'abc', changed: ['api'], detail: '' };

class FakeReleases implements ReleasesPort {
  hasReleases = true;
  rolledBackTo: string | null = null;
  failWith: Error | null = null;
  async deploy(progress: (p: DeployProgress) => void): Promise<DeployResult> {
    progress({ kind: 'note', message: 'building' });
    if (this.failWith !== null) throw this.failWith;
    return result;
  }
  async rollback(ref: string): Promise<DeployResult> {
    this.rolledBackTo = ref;
    return result;
  }
  requireReleases(): void {
    if (!this.hasReleases) throw new ApiError('conflict', 'no releases here');
  }
  async history() {
    return { current: null, releases: [] };
  }
  async diff(): Promise<never> {
    throw new ApiError('not-found', 'no such release');
  }
  async reloadSecrets(progress: (p: DeployProgress) => void): Promise<DeployResult> {
    progress({ kind: 'note', message: 'rolling restart of api for db_password' });
    return { ...result, release: null, sha: null };
  }
}

async function collect<T>(lines: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const l of lines) out.push(l);
  return out;
}

describe('control API', () => {
  const services = new FakeServices();
  const releases = new FakeReleases();
  const events = new EventBus<PlatformEvent>();
  const live = new EventBus<LogLine>(0);
  const past: LogLine[] = [{ time: 1, service: 'api', replica: 'api-1', stream: 'stdout', line: 'hello' }];
  const tails: [LogFilter, number][] = [];
  let usageAsked = 0;
  let persisted = 0;
  let server: ApiServer;
  let api: ApiClient;
  const traceStore = new TraceStore();

  before(async () => {
    server = await listenApi(TOKEN);
    api = new ApiClient(server.url, TOKEN);
    server.serve(
      routes({
        services,
        traces: tracesApi(traceStore),
        events,
        logs: { query: (f, n) => (tails.push([f, n]), past), live },
        releases,
        usage: async (pids) => {
          usageAsked++;
          return new Map(pids.map((p) => [p, { cpu: 5, memory: 1024 }]));
        },
        identity: {
          discovery: { issuer: 'http://127.0.0.1:1/v1/identity', jwks_uri: 'http://127.0.0.1:1/v1/identity/jwks', id_token_signing_alg_values_supported: ['ES256'], subject_types_supported: ['public'], response_types_supported: ['id_token'] },
          jwks: { keys: [{ kty: 'EC', kid: 'k1' }] },
          userToken: async (req) => ({ token: `token-for-${req.subject}-${req.scopes.join('+')}`, expiresAt: 1 }),
        },
        shutdown: () => {},
        persist: async () => void persisted++,
        metrics: {
          text: () => '# HELP bricks_x An example.\n# TYPE bricks_x gauge\nbricks_x 1\n',
          targets: () => [{ targets: ['127.0.0.1:9'], labels: { service: 'api' } }],
          top: async (windowMs) => ({ at: 1, windowMs, rows: [], addresses: [], replicas: [], store: { series: 0, maxSeries: 1, bytes: 0, retentionMs: 1, dropped: 0 } }),
          range: (_windowMs, stepMs) => ({ stepMs, times: [], services: [] }),
        },
      }),
    );
  });
  after(() => server.close());

  it('answers `unavailable` until it serves its routes', async () => {
    const early = await listenApi(TOKEN);
    try {
      await assert.rejects(new ApiClient(early.url, TOKEN).status(), (e: unknown) => e instanceof ApiError && e.code === 'unavailable');
    } finally {
      await early.close();
    }
  });

  it('adds CPU and memory to the status unless asked not to', async () => {
    const full = await api.status();
    assert.equal(full.stack, 'demo');
    assert.equal(full.services[0]?.replicas[0]?.cpu, 5);
    const asked = usageAsked;
    const lean = await api.status({ usage: false });
    assert.equal(lean.services[0]?.replicas[0]?.cpu, undefined);
    assert.equal(usageAsked, asked);
  });

  it('takes OTLP/HTTP JSON spans from anyone, and lists and shows traces behind the token', async () => {
    const span = (spanId: string, parentSpanId: string, name: string, startNs: bigint, code = 0) => ({
      traceId: '0af7651916cd43dd8448eb211c80319c', spanId, parentSpanId, name, kind: 2,
      startTimeUnixNano: String(startNs), endTimeUnixNano: String(startNs + 2_000_000n), status: { code }, attributes: [{ key: 'rpc.method', value: { stringValue: 'GetGame' } }],
    });
    const body = {
      resourceSpans: [{
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'catalog' } }, { key: 'service.instance.id', value: { stringValue: 'catalog.1' } }] },
        scopeSpans: [{ spans: [span('b7ad6b7169203331', '', 'arcade.v1.CatalogService/GetGame', 1_700_000_000_000_000_000n), span('00f067aa0ba902b7', 'b7ad6b7169203331', 'db', 1_700_000_000_000_500_000n, 2), { spanId: 'nope' }] }],
      }],
    };
    const res = await fetch(`${server.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { partialSuccess: { rejectedSpans: 1, errorMessage: 'a span has no hex traceId (32 digits) or spanId (16 digits)' } });
    const bad = await fetch(`${server.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"spans":[]}' });
    assert.equal(bad.status, 400);
    const listed = await api.traces({ service: 'catalog' });
    assert.equal(listed.traces.length, 1);
    assert.deepEqual({ ...listed.traces[0], startMs: 0 }, { traceId: '0af7651916cd43dd8448eb211c80319c', name: 'arcade.v1.CatalogService/GetGame', service: 'catalog', startMs: 0, durationMs: 2.5, spans: 2, services: ['catalog'], error: true });
    assert.equal((await api.traces({ service: 'gateway' })).traces.length, 0);
    assert.equal((await api.traces({ minDurationMs: 3 })).traces.length, 0);
    const one = await api.trace('0AF7651916CD43DD8448EB211C80319C');
    assert.deepEqual(one.spans.map((s) => [s.name, s.parentSpanId, s.replica, s.status]), [['arcade.v1.CatalogService/GetGame', '', 'catalog.1', 'unset'], ['db', 'b7ad6b7169203331', 'catalog.1', 'error']]);
    await assert.rejects(api.trace('00000000000000000000000000000001'), (e: unknown) => e instanceof ApiError && e.code === 'not-found');
    await assert.rejects(new ApiClient(server.url, 'wrong').traces(), (e: unknown) => e instanceof ApiError && e.code === 'unauthenticated');
  });

  it("serves the identity issuer's discovery and keys to anyone, its user tokens only with the API token", async () => {
    const stranger = new ApiClient(server.url, 'wrong');
    assert.equal((await stranger.json('identityDiscovery', undefined)).jwks_uri, 'http://127.0.0.1:1/v1/identity/jwks');
    assert.equal((await stranger.json('identityKeys', undefined)).keys[0]?.['kid'], 'k1');
    await assert.rejects(stranger.userToken({ subject: 'ann', scopes: [], audience: ['shop'], ttlMs: 60_000 }), (e: unknown) => e instanceof ApiError && e.code === 'unauthenticated');
    assert.equal((await api.userToken({ subject: 'ann', scopes: ['a', 'b'], audience: ['shop'], ttlMs: 60_000 })).token, 'token-for-ann-a+b');
    await assert.rejects(api.userToken({ subject: 'ann', scopes: [], audience: [], ttlMs: 60_000 }), (e: unknown) => e instanceof ApiError && e.code === 'bad-request' && /needs an audience/.test(e.message));
  });

  it('streams a secret reload as an operation, behind the token', async () => {
    const lines = await collect(api.reloadSecrets());
    assert.deepEqual(lines.map((l) => l.kind), ['progress', 'result']);
    await assert.rejects(collect(new ApiClient(server.url, 'wrong').reloadSecrets()), (e: unknown) => e instanceof ApiError && e.code === 'unauthenticated');
  });

  it('wants the token, except for discovery and what Prometheus reads', async () => {
    const stranger = new ApiClient(server.url, 'wrong');
    await assert.rejects(stranger.status(), (e: unknown) => e instanceof ApiError && e.code === 'unauthenticated');
    await assert.rejects(stranger.top(), (e: unknown) => e instanceof ApiError && e.code === 'unauthenticated');
    assert.equal((await stranger.json('discovery', { watch: true, version: 1 })).version, 3);
    assert.match(await stranger.metrics(), /^bricks_x 1$/m);
    assert.deepEqual(await stranger.prometheusTargets(), [{ targets: ['127.0.0.1:9'], labels: { service: 'api' } }]);
  });

  it('serves the metrics as Prometheus text, and top over the window asked for', async () => {
    const res = await fetch(`${server.url}/v1/metrics`);
    assert.equal(res.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
    assert.equal((await api.top({ windowMs: 60_000 })).windowMs, 60_000);
    assert.equal((await api.top()).windowMs, 15_000);
  });

  it('scales a known service and keeps the setting', async () => {
    assert.deepEqual(await api.scale({ service: 'web', replicas: 3 }), { service: 'web', replicas: 3 });
    assert.deepEqual(services.scaled.at(-1), ['web', 3]);
    assert.ok(persisted > 0);
  });

  it('checks the scale body before anything is scaled', async () => {
    const before = services.scaled.length;
    await assert.rejects(api.scale({ service: 'nope', replicas: 1 }), (e: unknown) => e instanceof ApiError && e.code === 'not-found' && /services are api, web/.test(e.message));
    await assert.rejects(api.scale({ service: 'web', replicas: -1 }), (e: unknown) => e instanceof ApiError && e.code === 'bad-request' && e.message === 'replicas must be a whole number ≥ 0, got -1');
    await assert.rejects(api.scale({ service: 'web', replicas: 1.5 }), (e: unknown) => e instanceof ApiError && e.code === 'bad-request' && /got 1\.5/.test(e.message));
    // An autoscaled service's count is the autoscaler's.
    await assert.rejects(api.scale({ service: 'auto', replicas: 3 }), (e: unknown) => e instanceof ApiError && e.code === 'conflict' && /auto is autoscaled.*change min and max/.test(e.message));
    // More than the local target runs of one service (platform/local-limits.ts).
    await assert.rejects(api.scale({ service: 'web', replicas: 5000 }), (e: unknown) => e instanceof ApiError && e.code === 'bad-request' && /runs at most 64 of one service/.test(e.message));
    // A hand-written request with no body at all.
    await assert.rejects(api.json('scale', {} as never), (e: unknown) => e instanceof ApiError && e.code === 'bad-request');
    assert.equal(services.scaled.length, before);
  });

  it('restarts only a known service', async () => {
    assert.deepEqual(await api.restart({ service: 'api' }), { service: 'api', restarting: true });
    await assert.rejects(api.restart({ service: 'nope' }), (e: unknown) => e instanceof ApiError && e.code === 'not-found');
    assert.deepEqual(services.restarted, ['api']);
  });

  it('passes the logs query through, and follows with the history first', async () => {
    assert.deepEqual(await api.logs({ services: ['api'], tail: 5 }), past);
    assert.deepEqual(tails.at(-1), [{ services: ['api'], replicas: [] }, 5]);
    await api.logs({ tail: Number('not a number') });
    assert.deepEqual(tails.at(-1), [{ services: [], replicas: [] }, 200]);
    // Every filter travels: the time window, replicas, level, trace and text.
    await api.logs({ services: ['api'], replicas: ['api-1'], since: 1000, until: 2000, level: 40, trace: 'ab'.repeat(16), grep: 'boom', tail: -1 });
    assert.deepEqual(tails.at(-1), [{ services: ['api'], replicas: ['api-1'], since: 1000, until: 2000, level: 40, trace: 'ab'.repeat(16), grep: 'boom' }, -1]);
    await assert.rejects(api.logs({ services: ['nope'] }), (e: unknown) => e instanceof ApiError && e.code === 'not-found');

    const controller = new AbortController();
    const got: LogLine[] = [];
    const next: LogLine = { time: 2, service: 'api', replica: 'api-1', stream: 'stderr', line: 'later' };
    for await (const l of api.followLogs({ tail: 0 }, controller.signal)) {
      got.push(l);
      if (got.length === 1) live.emit(next);
      if (got.length === 2) controller.abort();
    }
    assert.deepEqual(got, [...past, next]);
  });

  it('streams events with their history', async () => {
    const e: PlatformEvent = { type: 'platform', state: 'up', at: 1 };
    events.emit(e);
    const controller = new AbortController();
    for await (const got of api.events({ history: true }, controller.signal)) {
      assert.deepEqual(got, e);
      controller.abort();
    }
  });

  it('streams a deploy: progress, then the result or the error with its layer\'s code', async () => {
    assert.deepEqual(await collect(api.deploy()), [
      { kind: 'progress', progress: { kind: 'note', message: 'building' } },
      { kind: 'result', result },
    ] satisfies OperationLine[]);
    releases.failWith = new LayerError('invalid-stack', 'bad file');
    try {
      assert.deepEqual((await collect(api.deploy())).at(-1), { kind: 'error', code: 'invalid-stack', message: 'bad file' });
      releases.failWith = new Error('boom');
      assert.deepEqual((await collect(api.deploy())).at(-1), { kind: 'error', code: 'internal', message: 'boom' });
    } finally {
      releases.failWith = null;
    }
  });

  it('rolls back to the previous release by default, and refuses without releases', async () => {
    await collect(api.rollback({}));
    assert.equal(releases.rolledBackTo, '-1');
    await collect(api.rollback({ ref: 'abc1' }));
    assert.equal(releases.rolledBackTo, 'abc1');
    await assert.rejects(api.json('rollback', { ref: 7 } as never), (e: unknown) => e instanceof ApiError && e.code === 'bad-request');
    releases.hasReleases = false;
    try {
      await assert.rejects(collect(api.rollback({})), (e: unknown) => e instanceof ApiError && e.code === 'conflict');
    } finally {
      releases.hasReleases = true;
    }
  });

  it('needs both releases for a diff', async () => {
    await assert.rejects(api.diff({ a: '-1', b: '-2' }), (e: unknown) => e instanceof ApiError && e.code === 'not-found');
    await assert.rejects(api.json('diff', { a: '-1' } as never), (e: unknown) => e instanceof ApiError && e.code === 'bad-request' && /two releases/.test(e.message));
  });
});
