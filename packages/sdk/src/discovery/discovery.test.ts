// Discovery: the platform's long-polled list, DNS A records, the fallbacks. How a running
// client follows them is in client/discovery.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DISCOVERY_URL_VARIABLE } from '../config/platform-env-names.js';
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
