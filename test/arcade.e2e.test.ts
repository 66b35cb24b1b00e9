// The arcade example end to end: the real CLI builds and starts every service (SDK services,
// the embedded PostgreSQL backing service, the gateway), then every REST endpoint is checked
// through the gateway, analytics is seen balancing over its two replicas, a real Prometheus
// scrapes every replica through the daemon's http_sd and answers every panel of the Grafana
// dashboards bricks writes, and a kill -9 of a catalog replica costs no request.
//
// It runs on a copy of examples/arcade inside the repo's git-ignored .tmp/: inside the work tree
// so that @bricks/sdk, tsx and PGlite resolve from the root node_modules and `up` builds release
// artifacts as it does for the real example, and a copy so that it has its own .bricks/ (state,
// data) and takes free service ports instead of the example's remembered 7100.. ones, which a
// developer's running `npm run arcade` may hold.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkArcade, checkThumbnails, json, send } from './helpers/arcade-checks.ts';
import { arcadeCopy } from './helpers/arcade-copy.ts';
import { alive, get, steadyLoad, until, type PsDoc, type PsService } from './helpers/bricks.ts';
import { findPrometheus, startPrometheus, type RunningPrometheus } from './helpers/prometheus.ts';
import type { BricksDashboard } from '../packages/bricks/src/observability/index.ts';

function service(doc: PsDoc, name: string): PsService {
  const s = doc.services.find((x) => x.name === name);
  assert.ok(s, `service ${name} in ps`);
  return s;
}

test('arcade: every endpoint through the gateway, analytics balancing, Prometheus and the dashboards, and a catalog crash that heals', { timeout: 300_000 }, async (t) => {
  const p = arcadeCopy(t);
  const startedS = Math.floor(Date.now() / 1000);
  // Generous: the first start of the embedded database runs initdb (seconds, more on a busy machine).
  const up = await p.bricks('up', '-d', '--wait', '150');
  assert.equal(up.code, 0, `bricks up failed:\n${up.stdout}\n${up.stderr}`);
  const doc = await p.ps();
  assert.deepEqual(
    doc.services.map((s) => [s.name, s.ready]),
    // thumbnails scales to zero: none runs until a request comes (checkArcade sends one).
    [['gateway', 2], ['catalog', 2], ['scores', 2], ['analytics', 2], ['thumbnails', 0], ['db', 1]],
  );
  const gw = service(doc, 'gateway').address;
  // The first service gets the lowest free port from base_port: the README's localhost:7100 when free.
  for (const s of doc.services.slice(1)) assert.ok(Number(new URL(s.address).port) > Number(new URL(gw).port), s.name);
  assert.ok(existsSync(join(p.dir, '.bricks', 'data', 'db', 'PG_VERSION')), 'the database keeps its data beside the stack');
  assert.match(service(doc, 'db').address, /^postgres:\/\/postgres@127\.0\.0\.1:\d+\/arcade$/, 'its address is the URL its clients get');

  // Prometheus from the start, so that it scrapes while the checks below make traffic.
  const found = findPrometheus();
  let prometheus: RunningPrometheus | null = null;
  if ('bin' in found) {
    const config = await p.bricks('prometheus-config');
    assert.equal(config.code, 0, config.stderr);
    prometheus = await startPrometheus(t, found.bin, config.stdout);
  }

  // The checks every target's arcade test shares (test/helpers/arcade-checks.ts).
  // Players' tokens from the daemon's development issuer (the stack's issuer: local).
  const userToken = async (scopes: readonly string[]): Promise<string> => {
    const r = await p.bricks('token', '--sub', 'ann', ...scopes.flatMap((s) => ['--scope', s]));
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.trim();
  };
  const { createdGame: created } = await checkArcade(t, gw, { analyticsReplicas: ['analytics.1', 'analytics.2'], userToken });

  await t.test('catalog takes CreateGame only from the gateway: a player token sent to it directly is refused', async () => {
    const catalog = service(await p.ps(), 'catalog').address;
    const player = { authorization: `Bearer ${await userToken(['games:write'])}` };
    const direct = await json('POST', `${catalog}/arcade.v1.CatalogService/CreateGame`, { title: 'Sneaky' }, player);
    assert.equal(direct.status, 401, JSON.stringify(direct.body));
    assert.match(JSON.stringify(direct.body), /may be called only by gateway/);
    // A caller that names itself gateway is not the gateway.
    const forged = await json('POST', `${catalog}/arcade.v1.CatalogService/CreateGame`, { title: 'Sneaky' }, { ...player, 'bricks-identity': 'gateway', 'x-bricks-service': 'gateway' });
    assert.equal(forged.status, 401, JSON.stringify(forged.body));
  });

  await t.test('one trace across gateway, catalog and scores, found by bricks traces; its logs by its id', async () => {
    // The caller's own traceparent: the gateway's span is its child, so the trace id is known.
    const traceId = randomBytes(16).toString('hex');
    const traceparent = `00-${traceId}-${randomBytes(8).toString('hex')}-01`;
    const player = { authorization: `Bearer ${await userToken(['games:read', 'games:write'])}`, traceparent };
    const made = await json('POST', `${gw}/api/games`, { title: 'Traced', genre: 'puzzle' }, player);
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const id = (made.body as { game: { id: string } }).game.id;
    const read = await send('GET', `${gw}/api/games/${id}`, undefined, { traceparent });
    assert.equal(read.status, 200);
    type Span = { spanId: string; parentSpanId: string; name: string; kind: string; service: string };
    // Replicas export in batches every second.
    const spans = await until('the trace in the store with every hop', async () => {
      const r = await p.bricks('traces', traceId, '--json');
      if (r.code !== 0) return undefined;
      const doc = JSON.parse(r.stdout) as { spans: Span[] };
      const services = new Set(doc.spans.map((x) => x.service));
      return ['bricks', 'gateway', 'catalog', 'scores'].every((n) => services.has(n)) && doc.spans.filter((x) => x.kind === 'server').length >= 7 ? doc.spans : undefined;
    }, 30_000);
    const byId = new Map(spans.map((x) => [x.spanId, x]));
    const parentOf = (x: Span): Span | undefined => byId.get(x.parentSpanId);
    const scoresServer = spans.find((x) => x.service === 'scores' && x.kind === 'server');
    assert.ok(scoresServer, 'a server span of scores');
    assert.equal(scoresServer.name, 'arcade.v1.ScoresService/TopScores');
    assert.deepEqual([parentOf(scoresServer)?.kind, parentOf(scoresServer)?.service], ['client', 'gateway'], 'scores is called by the gateway');
    assert.equal(parentOf(parentOf(scoresServer)!)?.name, 'GET /api/games/:id', "the client call is a child of the gateway's request span");
    // The gateway's address is the platform's proxy: its span sits between the caller and the gateway.
    const roots = spans.filter((x) => parentOf(x) === undefined);
    assert.deepEqual(roots.map((x) => [x.name, x.service]), [['proxy gateway', 'bricks'], ['proxy gateway', 'bricks']], "both requests hang under the caller's span, through the proxy");
    const requests = spans.filter((x) => x.service === 'gateway' && x.kind === 'server');
    assert.deepEqual(requests.map((x) => x.name).sort(), ['GET /api/games/:id', 'POST /api/games']);
    for (const r of requests) assert.equal(parentOf(r)?.name, 'proxy gateway');
    for (const listArgs of [['--service', 'scores'], ['--method', 'TopScores'], []]) {
      const listed = JSON.parse((await p.bricks('traces', '--json', '--limit', '1000', ...listArgs)).stdout) as { traces: { traceId: string }[] };
      assert.ok(listed.traces.some((x) => x.traceId === traceId), `bricks traces ${listArgs.join(' ')} lists it`);
    }
    const waterfall = await p.bricks('traces', traceId);
    assert.match(waterfall.stdout, /^ {6}arcade\.v1\.ScoresService\/TopScores \(server\) +scores\.\d+ +\|/m, 'scores runs two replicas since the backing services: either may have served it');
    const logs = await until('the trace\'s log line', async () => {
      const r = await p.bricks('logs', '--trace', traceId, '--no-color');
      return /game created/.test(r.stdout) ? r.stdout : undefined;
    }, 10_000);
    assert.ok(logs.split('\n').filter((l) => l.trim() !== '').every((l) => l.includes(traceId)), logs);
  });

  await t.test('Prometheus scrapes every replica through http_sd, and every dashboard panel returns series', { skip: 'skip' in found ? found.skip : false }, async () => {
    const prom = prometheus!;
    // thumbnails runs only while asked (it scales to zero): ask again, and wait for three scrapes of it.
    await checkThumbnails(gw);
    // Not db: a database serves no /metrics (and is not sent HTTP).
    const expected = (await p.ps()).services.filter((s) => s.name !== 'thumbnails' && s.name !== 'db').flatMap((s) => s.replicas.filter((r) => r.ready).map((r) => r.name));
    const targets = await until('every replica a healthy target', async () => {
      const active = await prom.targets();
      const names = new Set(active.filter((a) => a.health === 'up').map((a) => a.labels['replica']));
      return active.every((a) => a.health === 'up') && [...expected, 'daemon'].every((n) => names.has(n)) ? active : undefined;
    }, 60_000);
    t.diagnostic(`targets: ${targets.map((a) => `${a.labels['replica']}=${a.health}`).join(' ')}`);
    for (const a of targets) assert.equal(a.labels['stack'], 'arcade');

    const out = join(p.dir, 'grafana');
    const written = await p.bricks('grafana', '-o', out, '--prometheus-url', prom.url);
    assert.equal(written.code, 0, written.stderr);
    const dashboards = readdirSync(join(out, 'dashboards')).map((f) => JSON.parse(readFileSync(join(out, 'dashboards', f), 'utf8')) as BricksDashboard);
    assert.deepEqual(dashboards.map((d) => d.title).sort(), ['arcade · analytics', 'arcade · catalog', 'arcade · gateway', 'arcade · overview', 'arcade · scores', 'arcade · thumbnails']);
    assert.match(readFileSync(join(out, 'provisioning', 'datasources', 'arcade.yaml'), 'utf8'), new RegExp(`url: ${prom.url}`));
    // rate() over a minute needs two scrapes of a series, and a range query's steps fall every
    // 5 s from its start: wait until the overview's first panel has two steps of data.
    const first = dashboards.find((d) => d.title.endsWith('overview'))!.panels[0]!.targets[0]!.expr;
    await until('two steps of RPC rates', async () => ((await prom.queryRange(first, startedS, Math.ceil(Date.now() / 1000), 5))[0]?.values?.length ?? 0) >= 2, 60_000);
    await until('three scrapes of thumbnails', async () => Number((await prom.query('count_over_time(process_cpu_seconds_total{stack="arcade",service="thumbnails"}[5m])'))[0]?.value?.[1] ?? 0) >= 3, 60_000);
    const empty: string[] = [];
    let queries = 0;
    for (const d of dashboards) {
      for (const panel of d.panels) {
        let series = 0;
        for (const target of panel.targets) {
          queries++;
          series += (await prom.queryRange(target.expr, startedS, Math.ceil(Date.now() / 1000), 5)).length;
        }
        if (series === 0) empty.push(`${d.title} / ${panel.title}: ${panel.targets.map((x) => x.expr).join(' | ')}`);
      }
    }
    t.diagnostic(`${queries} queries over ${dashboards.reduce((n, d) => n + d.panels.length, 0)} panels`);
    assert.deepEqual(empty, [], 'panels whose queries returned no series');
  });

  await t.test('a catalog replica killed with SIGKILL under GETs: the other serves, none fails, and the replica comes back', async () => {
    const before = service(await p.ps(), 'catalog').replicas[0];
    assert.ok(before?.pid != null && alive(before.pid));
    let stopLoad!: () => void;
    const load = steadyLoad(`${gw}/api/games/${created}`, 2, new Promise<void>((r) => (stopLoad = r)));
    try {
      await until('GETs flowing', async () => (await get(`${gw}/api/games/${created}`)).status === 200);
      process.kill(before.pid, 'SIGKILL');
      const after = await until(
        'catalog back at two ready replicas',
        async () => {
          const rs = service(await p.ps(), 'catalog').replicas;
          return rs.length === 2 && rs.every((r) => r.ready && r.pid !== before.pid) ? rs : undefined;
        },
        60_000,
      );
      assert.ok(after.some((r) => r.restarts >= 1));
      await until('GETs answered', async () => (await get(`${gw}/api/games/${created}`)).status === 200, 30_000);
    } finally {
      stopLoad();
    }
    const result = await load;
    t.diagnostic(`GETs during the crash: ${result.ok} ok, ${result.failed} failed ${JSON.stringify(result.errors.slice(0, 3))}`);
    assert.ok(result.ok > 0);
    // Cattle: the other replica (and the gateway's retry of an idempotent read) covers the loss.
    assert.equal(result.failed, 0, JSON.stringify(result.errors.slice(0, 5)));
    const page = await json('GET', `${gw}/api/games/${created}`);
    assert.equal((page.body as { game: { title: string } }).game.title, 'Star Chase');
  });
});
