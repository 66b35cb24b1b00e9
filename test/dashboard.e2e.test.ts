// The dashboard in real Chromium against the running arcade stack: the login (no session, a wrong
// code, a cross-site POST, the link `bricks up` prints), then each page with real data: services
// and replicas, a replica's log lines, a chart with points, a real gateway call's trace; scaling
// analytics 2 → 3 from the page, and a rollback from the page to the earlier release.
// Screenshots of every page go to test/artifacts/dashboard/ (git-ignored).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Browser, Page } from 'puppeteer-core';
import { send } from './helpers/arcade-checks.ts';
import { arcadeCopy } from './helpers/arcade-copy.ts';
import { until } from './helpers/bricks.ts';
import { attributes, findChromium, inPage, launchChromium, texts } from './helpers/chromium.ts';

const ARTIFACTS = new URL('artifacts/dashboard/', import.meta.url).pathname;
const chromium = findChromium();

interface History {
  current: number | null;
  releases: { release: { id: number; kind: string; rollbackOf?: number }; status: string }[];
}

test('dashboard: login, every page with real data, scale and rollback from the page', { timeout: 400_000, skip: 'skip' in chromium ? chromium.skip : false }, async (t) => {
  mkdirSync(ARTIFACTS, { recursive: true });
  // analytics autoscales in the example; here its count is the page's to set.
  const p = arcadeCopy(t, (yaml) => yaml.replace(/^ {6}autoscale: \{ min: 2, max: 4, concurrency: 10 \}\n/m, ''));
  const up = await p.bricks('up', '-d', '--wait', '150');
  assert.equal(up.code, 0, `bricks up failed:\n${up.stdout}\n${up.stderr}`);
  const login = /dashboard: (http:\/\/127\.0\.0\.1:\d+\/login\?code=\S+)/.exec(up.stdout)?.[1];
  assert.ok(login !== undefined, `bricks up prints the login link:\n${up.stdout}`);
  const origin = new URL(login).origin;
  const gw = (await p.ps()).services.find((s) => s.name === 'gateway')!.address;

  const browser: Browser = await launchChromium((chromium as { bin: string }).bin);
  t.after(() => browser.close());
  const shot = (page: Page, name: string): Promise<unknown> => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

  await t.test('no session: the login page; a wrong code is refused', async () => {
    const context = await browser.createBrowserContext();
    try {
      const page = await context.newPage();
      const res = await page.goto(`${origin}/`);
      assert.equal(res?.status(), 401);
      assert.match((await texts(page, '#login')).join(''), /bricks dashboard/);
      await shot(page, 'login');
      const wrong = await page.goto(`${origin}/login?code=${randomBytes(32).toString('base64url')}`);
      assert.equal(wrong?.status(), 401);
      assert.match((await texts(page, '#login')).join(''), /wrong, already used or expired/);
      assert.equal((await context.cookies()).length, 0, 'no cookie for a wrong code');
    } finally {
      await context.close();
    }
  });

  const page = await browser.newPage();
  await t.test('the printed link logs in and leaves no secret in the URL', async () => {
    await page.goto(login);
    assert.equal(page.url(), `${origin}/`);
    const [cookie] = await browser.defaultBrowserContext().cookies();
    assert.ok(cookie !== undefined && cookie.httpOnly && cookie.sameSite === 'Strict' && cookie.path === '/', JSON.stringify(cookie));
    const again = await (await browser.createBrowserContext()).newPage();
    assert.equal((await again.goto(login))?.status(), 401, 'the link works once');
    await again.browserContext().close();
  });

  await t.test('a cross-site POST with the session cookie is refused', async () => {
    // Another origin on loopback (as any replica's page is): the cookie goes along, the request is still refused.
    const evil = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<form id="f" method="POST" action="${origin}/v1/scale" enctype="text/plain"><input name='{"service":"analytics","replicas":0,"x":"' value='"}'></form><script>document.getElementById('f').submit()</script>`);
    });
    await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
    t.after(() => new Promise<void>((r) => evil.close(() => r())));
    const attacker = await browser.newPage();
    try {
      const refused = attacker.waitForResponse((r) => r.url() === `${origin}/v1/scale`);
      await attacker.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`);
      assert.equal((await refused).status(), 403);
    } finally {
      await attacker.close();
    }
    const analytics = (await p.ps()).services.find((s) => s.name === 'analytics')!;
    assert.equal(analytics.desired, 2, 'the forged scale did nothing');
  });

  // A real call through the gateway, with our own trace id, so its trace can be found.
  const traceId = randomBytes(16).toString('hex');
  for (let i = 0; i < 5; i++) {
    const r = await send('GET', `${gw}/api/games`, undefined, { traceparent: `00-${i === 0 ? traceId : randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01` });
    assert.equal(r.status, 200);
  }

  await t.test('services: every arcade service with its replicas, live', async () => {
    await page.goto(`${origin}/#/services`);
    await page.waitForSelector('article[data-service="analytics"] tr[data-replica]');
    const rows = await inPage<[string, number][]>(page, `[...document.querySelectorAll('article[data-service]')].map((e) => [e.dataset.service, e.querySelectorAll('tr[data-replica]').length])`);
    const byName = new Map(rows);
    for (const name of ['gateway', 'catalog', 'scores', 'analytics', 'thumbnails', 'db']) assert.ok(byName.has(name), `${name} listed: ${JSON.stringify(rows)}`);
    assert.equal(byName.get('analytics'), 2);
    await page.waitForSelector('.connection.live');
    await shot(page, 'services');
  });

  await t.test('logs: a replica\'s log lines', async () => {
    await page.goto(`${origin}/#/logs`);
    const replica = await until('a log line', async () => (await attributes(page, '.log .line[data-replica]', 'data-replica'))[0] ?? undefined, 20_000);
    await page.goto(`${origin}/#/logs/${replica}`);
    await page.waitForSelector(`.log .line[data-replica="${replica}"]`);
    const shown = await attributes(page, '.log .line', 'data-replica');
    assert.ok(shown.length > 0 && shown.every((r) => r === replica), `only ${replica}'s lines: ${JSON.stringify(shown.slice(0, 5))}`);
    await shot(page, 'logs');
  });

  await t.test("traces: the gateway call's trace, as a waterfall with attributes", async () => {
    await page.goto(`${origin}/#/traces`);
    await until('the trace listed', async () => {
      await page.click('form.filters button[type="submit"]');
      return (await page.$(`tr[data-trace="${traceId}"]`)) ?? undefined;
    }, 30_000);
    await shot(page, 'traces');
    await page.click(`tr[data-trace="${traceId}"] a`);
    await page.waitForSelector('.waterfall li');
    const spans = await texts(page, '.waterfall .span-name');
    assert.ok(spans.some((s) => s.startsWith('gateway: ')), `a gateway span: ${JSON.stringify(spans)}`);
    await page.click('.waterfall li:last-child button');
    await page.waitForSelector('.span-detail dt');
    await shot(page, 'trace');
  });

  await t.test('metrics: a chart with points', async () => {
    await page.goto(`${origin}/#/metrics`);
    // The scraper reads replicas every 5 s; a rate needs two reads after the traffic. (After the
    // traces page: this traffic would push the traced call out of the page's list.)
    await until('requests per second with points', async () => {
      await send('GET', `${gw}/api/games`);
      const charts = await inPage<[string, number][]>(page, `[...document.querySelectorAll('figure.chart')].map((e) => [e.querySelector('figcaption')?.textContent ?? '', Number(e.dataset.peak)])`);
      return charts.some(([title, peak]) => title === 'Requests per second' && peak > 0) ? charts : undefined;
    }, 60_000);
    assert.ok((await page.$$('figure.chart canvas')).length >= 6, 'uPlot drew every chart');
    await shot(page, 'metrics');
  });

  await t.test('topology: services and the calls between them', async () => {
    await page.goto(`${origin}/#/topology`);
    await page.waitForSelector('.node');
    await until('a call edge', async () => (await page.$('td[aria-label="calls"]')) ?? undefined, 20_000);
    await shot(page, 'topology');
  });

  await t.test('scaling analytics 2 → 3 from the page makes a new replica appear', async () => {
    await page.goto(`${origin}/#/services`);
    await page.waitForSelector('#scale-analytics');
    await inPage(page, `document.querySelector('#scale-analytics').value = ''`);
    await page.type('#scale-analytics', '3');
    await page.click('article[data-service="analytics"] button[type="submit"]');
    await page.waitForSelector('dialog[open] [data-confirm]');
    await shot(page, 'scale-confirm');
    await page.click('dialog[open] [data-confirm]');
    await page.waitForSelector('article[data-service="analytics"] tr[data-replica="analytics.3"]', { timeout: 60_000 });
    await until('analytics.3 ready on the page', async () => (await page.$('article[data-service="analytics"] tr[data-replica="analytics.3"] .badge.ready')) ?? undefined, 60_000);
    await shot(page, 'services-scaled');
  });

  await t.test('rollback from the page puts back the earlier release', async () => {
    const history = async (): Promise<History> => JSON.parse((await p.bricks('history', '--json')).stdout) as History;
    // A second release: analytics' code changes, so a deploy rolls it.
    appendFileSync(join(p.dir, 'services', 'analytics', 'handlers.ts'), '\n// a change for the dashboard test\n');
    const deployed = await p.bricks('deploy');
    assert.equal(deployed.code, 0, `${deployed.stdout}\n${deployed.stderr}`);
    const before = await history();
    const first = before.releases.find((r) => r.release.id !== before.current && r.status !== 'failed');
    assert.ok(first !== undefined, `an earlier release: ${JSON.stringify(before)}`);
    await page.goto(`${origin}/#/releases`);
    await page.waitForSelector(`tr[data-release="${first.release.id}"] button`);
    await shot(page, 'releases');
    await page.click(`tr[data-release="${first.release.id}"] button`);
    await page.waitForSelector('dialog[open] [data-confirm]');
    await shot(page, 'rollback-confirm');
    await page.click('dialog[open] [data-confirm]');
    await until('the rollback completed on the page', async () => {
      const lines = await texts(page, '.progress li');
      return lines.some((l) => l.startsWith('completed')) ? lines : undefined;
    }, 120_000);
    const after = await history();
    const current = after.releases.find((r) => r.release.id === after.current);
    assert.equal(current?.release.kind, 'rollback');
    assert.equal(current?.release.rollbackOf, first.release.id);
    await page.waitForSelector(`tr.current[data-release="${current?.release.id}"]`);
    await shot(page, 'releases-rolled-back');
  });
});
