// Discovery: the platform's long-polled list drives a running client (endpoints added and
// removed while calls run, none failing); DNS A records; the fallbacks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { client, closeClients } from '../client/index.ts';
import { DISCOVERY_URL_VARIABLE } from '../config/platform-env-names.js';
import { serve, type Server } from '../server/index.ts';
import { echoImpl, EchoService } from '../testing/echo-service.ts';
import { fakeDiscovery, until } from '../testing/fake-discovery.ts';
import { dnsSource } from './dns.ts';
import { PlatformDiscovery } from './platform.ts';
import { resolveTarget, closeDiscovery } from './resolve.ts';

test('the platform watcher follows version changes by long-polling', async (t) => {
  const fake = await fakeDiscovery({ echo: { address: 'http://127.0.0.1:1', endpoints: [{ id: 'echo.1', url: 'http://127.0.0.1:10' }] } });
  const d = new PlatformDiscovery({ url: fake.url });
  t.after(async () => {
    d.close();
    await fake.close();
  });
  const src = d.source('echo');
  await src.ready();
  assert.deepEqual(src.current(), [{ id: 'echo.1', url: 'http://127.0.0.1:10' }]);
  const seen: string[][] = [];
  src.subscribe((eps) => seen.push(eps.map((e) => e.id)));
  fake.set({ echo: { endpoints: [{ id: 'echo.1', url: 'http://127.0.0.1:10' }, { id: 'echo.2', url: 'http://127.0.0.1:11' }] } });
  await until('second endpoint', () => src.current().length === 2);
  fake.set({ echo: { endpoints: [] } });
  await until('no endpoints', () => src.current().length === 0);
  assert.deepEqual(seen, [['echo.1', 'echo.2'], []]);
  assert.equal(d.version, 3);
});

test('endpoints added and removed while calls run: every call succeeds and traffic follows the list', async (t) => {
  const servers: Server[] = [];
  for (const replica of ['echo.1', 'echo.2', 'echo.3']) {
    servers.push(await serve({ services: [echoImpl({ replica })], host: '127.0.0.1', port: 0, handleSignals: false, drainDelayMs: 0, env: {} }));
  }
  const ep = (i: number) => ({ id: `echo.${i + 1}`, url: servers[i]!.url });
  const fake = await fakeDiscovery({ echo: { endpoints: [ep(0)] } });
  t.after(async () => {
    await closeClients();
    closeDiscovery();
    await fake.close();
    for (const s of servers) await s.shutdown();
  });
  for (const protocol of ['connect', 'fast'] as const) {
    fake.set({ echo: { endpoints: [ep(0)] } });
    const echo = client(EchoService, { target: 'echo', protocol, inProcess: false, env: { [DISCOVERY_URL_VARIABLE]: fake.url } });
    const seen = new Map<string, number>();
    let failures = 0;
    let stop = false;
    const worker = async (): Promise<void> => {
      while (!stop) {
        try {
          const r = await echo.echo({ text: 'x' });
          seen.set(r.replica, (seen.get(r.replica) ?? 0) + 1);
        } catch {
          failures++;
        }
      }
    };
    const workers = Array.from({ length: 8 }, worker);
    // However the waits end, the load stops: a failed wait must not leave callers looping.
    t.after(async () => {
      stop = true;
      await Promise.all(workers);
    });
    await until(`${protocol}: echo.1 answers`, () => (seen.get('echo.1') ?? 0) > 0);
    fake.set({ echo: { endpoints: [ep(0), ep(1), ep(2)] } });
    await until(`${protocol}: echo.2 and echo.3 join`, () => (seen.get('echo.2') ?? 0) > 20 && (seen.get('echo.3') ?? 0) > 20);
    fake.set({ echo: { endpoints: [ep(1), ep(2)] } });
    // Calls already on echo.1 finish when they finish (the machine may be busy): wait until its
    // count stays put while the other two serve 50 calls.
    let last = -1;
    let othersThen = 0;
    await until(`${protocol}: calls already on echo.1 are done`, () => {
      const n = seen.get('echo.1') ?? 0;
      const others = (seen.get('echo.2') ?? 0) + (seen.get('echo.3') ?? 0);
      if (n !== last) {
        last = n;
        othersThen = others;
        return false;
      }
      return others - othersThen >= 50;
    });
    const before = seen.get('echo.1') ?? 0;
    await until(`${protocol}: traffic continues without echo.1`, () => (seen.get('echo.2') ?? 0) + (seen.get('echo.3') ?? 0) > 200);
    stop = true;
    await Promise.all(workers);
    assert.equal(failures, 0, `${protocol}: no call failed`);
    assert.equal(seen.get('echo.1') ?? 0, before, `${protocol}: no call went to the removed endpoint`);
  }
});

test('DNS: one endpoint per A record, re-resolved; IPs and failures fall back to the address', async (t) => {
  let answer = ['10.0.0.2', '10.0.0.1'];
  const src = dnsSource({ url: 'http://catalog:8080', intervalMs: 5, resolve4: async () => answer });
  t.after(() => src.close());
  await src.ready();
  assert.deepEqual(src.current(), [
    { id: '10.0.0.1:8080', url: 'http://10.0.0.1:8080' },
    { id: '10.0.0.2:8080', url: 'http://10.0.0.2:8080' },
  ]);
  answer = ['10.0.0.3'];
  await until('re-resolved', () => src.current()[0]?.url === 'http://10.0.0.3:8080');

  const failing = dnsSource({ url: 'http://nowhere:8080', resolve4: () => Promise.reject(new Error('ENOTFOUND')) });
  t.after(() => failing.close());
  await failing.ready();
  assert.deepEqual(failing.current(), [{ id: 'nowhere:8080', url: 'http://nowhere:8080' }]);
  const ip = dnsSource({ url: 'http://127.0.0.1:7102' });
  assert.deepEqual(ip.current(), [{ id: '127.0.0.1:7102', url: 'http://127.0.0.1:7102' }]);
});

test('resolveTarget: explicit url, discovery, <NAME>_URL, nothing', () => {
  assert.deepEqual(resolveTarget('x', { url: 'http://127.0.0.1:5/' })?.current(), [{ id: 'http://127.0.0.1:5/', url: 'http://127.0.0.1:5' }]);
  assert.deepEqual(resolveTarget('catalog', { env: { CATALOG_URL: 'http://127.0.0.1:7102' } })?.current(), [{ id: '127.0.0.1:7102', url: 'http://127.0.0.1:7102' }]);
  assert.equal(resolveTarget('catalog', { env: {} }), undefined);
});

test('with a service address, readers and subscribers fall back to it while no replica is listed', async (t) => {
  const fake = await fakeDiscovery({ echo: { endpoints: [{ id: 'echo.1', url: 'http://127.0.0.1:10' }] } });
  t.after(async () => {
    closeDiscovery();
    await fake.close();
  });
  const src = resolveTarget('echo', { env: { [DISCOVERY_URL_VARIABLE]: fake.url, ECHO_URL: 'http://127.0.0.1:7999' } })!;
  await src.ready();
  const seen: string[][] = [];
  src.subscribe((eps) => seen.push(eps.map((e) => e.url)));
  fake.set({ echo: { endpoints: [] } });
  await until('the list empties', () => seen.length === 1);
  assert.deepEqual(seen, [['http://127.0.0.1:7999']], 'a balancer following the notices gets the service address');
  assert.deepEqual(src.current().map((e) => e.url), ['http://127.0.0.1:7999']);
});

test('a listed replica that refuses connections: calls go through the service address instead', async (t) => {
  // The "service address" here is a live server standing in for the platform's proxy.
  const address = await serve({ services: [echoImpl({ replica: 'via-address' })], host: '127.0.0.1', port: 0, handleSignals: false, drainDelayMs: 0, env: {} });
  const dead = await serve({ services: [echoImpl({ replica: 'dead' })], host: '127.0.0.1', port: 0, handleSignals: false, drainDelayMs: 0, env: {} });
  const deadUrl = dead.url;
  await dead.shutdown(); // its port now refuses connections
  const fake = await fakeDiscovery({ echo: { endpoints: [{ id: 'echo.1', url: deadUrl }] } });
  t.after(async () => {
    await closeClients();
    closeDiscovery();
    await fake.close();
    await address.shutdown();
  });
  const echo = client(EchoService, { target: 'echo', protocol: 'fast', inProcess: false, env: { [DISCOVERY_URL_VARIABLE]: fake.url, ECHO_URL: address.url } });
  for (let i = 0; i < 5; i++) assert.equal((await echo.echo({ text: 'x' })).replica, 'via-address');
});
