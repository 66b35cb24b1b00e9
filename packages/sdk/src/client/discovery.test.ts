// A running client over discovery: the platform's list drives it (endpoints added and removed
// while calls run, none failing), and a listed replica that refuses connections sends calls to
// the service address.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DISCOVERY_URL_VARIABLE } from '../config/platform-env-names.js';
import { closeDiscovery } from '../discovery/resolve.ts';
import { serve, type Server } from '../server/index.ts';
import { echoImpl, EchoService } from '../testing/echo-service.ts';
import { fakeDiscovery, until } from '../testing/fake-discovery.ts';
import { client, closeClients } from './index.ts';

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
