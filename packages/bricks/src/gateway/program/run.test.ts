// The gateway program as the platform runs it, in-process: configured by its environment alone,
// it serves the descriptor set's routes against a real serve(), passes on the caller's
// credential and nothing else, answers health, and drains on shutdown.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { create, toBinary, type DescFile } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { closeClients, createLogger, defaultTargetName, implement, serve, serviceUrlVariable } from '@bricks/sdk';
import { DRAIN_DELAY_MS_VARIABLE, GATEWAY_VARIABLE, PORT_VARIABLE, STOP_GRACE_MS_VARIABLE } from '@bricks/sdk/platform-env';
import { GatewayError } from '../errors.ts';
import { LibraryService, ShelfSchema } from '../gen/bricks/gateway/test/v1/library_pb.ts';
import { encodeGatewayConfig } from './config.ts';
import { runGateway } from './run.ts';

const log = createLogger({ level: 'silent' });

function setOf(file: DescFile): Uint8Array {
  const files: DescFile[] = [];
  const visit = (f: DescFile): void => {
    if (files.includes(f)) return;
    f.dependencies.forEach(visit);
    files.push(f);
  };
  visit(file);
  return toBinary(FileDescriptorSetSchema, create(FileDescriptorSetSchema, { file: files.map((f) => f.proto) }));
}

test('the program serves the set it is configured with, passes on only the credential, and drains', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bricks-gateway-program-'));
  const seen: Array<{ authorization: string | null; cookie: string | null }> = [];
  let release: (() => void) | undefined;
  const impl = implement(LibraryService, {
    getShelf: async (req, ctx) => {
      seen.push({ authorization: ctx.requestHeaders.get('authorization'), cookie: ctx.requestHeaders.get('cookie') });
      // Shelf 99 waits until the test lets it go: a request in flight while the program stops.
      if (req.shelf === 99n) await new Promise<void>((r) => (release = r));
      return create(ShelfSchema, { id: req.shelf, theme: 'sea' });
    },
  });
  const backend = await serve({ services: [impl], host: '127.0.0.1', port: 0, handleSignals: false, drainDelayMs: 0, env: {} });
  t.after(async () => {
    await closeClients();
    await backend.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });
  writeFileSync(join(dir, 'api.binpb'), setOf(LibraryService.file));
  const env = {
    // Relative: read from the replica's working directory, as the daemon starts it.
    [GATEWAY_VARIABLE]: encodeGatewayConfig({ descriptors: 'api.binpb', services: [LibraryService.typeName] }),
    [PORT_VARIABLE]: '0',
    [STOP_GRACE_MS_VARIABLE]: '5000',
    [DRAIN_DELAY_MS_VARIABLE]: '200',
    [serviceUrlVariable(defaultTargetName(LibraryService))]: backend.url,
  };
  const gw = await runGateway(env, log, dir);
  t.after(() => gw.shutdown());

  const res = await fetch(`${gw.url}/v1/shelves/7`, { headers: { authorization: 'Bearer abc', cookie: 'session=1' } });
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { id: '7', theme: 'sea' });
  assert.deepEqual(seen, [{ authorization: 'Bearer abc', cookie: null }]);
  assert.equal((await fetch(`${gw.url}/healthz`)).status, 200);
  assert.equal((await fetch(`${gw.url}/readyz`)).status, 200);
  assert.equal((await fetch(`${gw.url}/v9/nothing`)).status, 404);

  // One request in flight, then the stop: not ready at once, the request still answered.
  const slow = fetch(`${gw.url}/v1/shelves/99`);
  const deadline = Date.now() + 5000;
  while (release === undefined) {
    assert.ok(Date.now() < deadline, 'the slow call never reached the service');
    await new Promise((r) => setTimeout(r, 10));
  }
  const stopped = gw.shutdown();
  assert.equal(gw.ready, false);
  assert.equal((await fetch(`${gw.url}/readyz`)).status, 503);
  release();
  assert.equal((await slow).status, 200);
  await stopped;
  await assert.rejects(fetch(`${gw.url}/healthz`));
});

test('a configuration it cannot serve stops the start with the reason', async () => {
  const fails = (env: Record<string, string>, code: string, message: RegExp) =>
    assert.rejects(runGateway(env, log), (e: unknown) => e instanceof GatewayError && e.code === code && message.test(e.message));
  await fails({}, 'config-invalid', /BRICKS_GATEWAY is not set/);
  await fails({ [GATEWAY_VARIABLE]: '{"descriptors":' }, 'config-invalid', /BRICKS_GATEWAY is not JSON/);
  await fails({ [GATEWAY_VARIABLE]: '{"descriptors":"x","route":1}' }, 'config-invalid', /BRICKS_GATEWAY: .*route/);
  await fails({ [GATEWAY_VARIABLE]: encodeGatewayConfig({ descriptors: '/nonexistent/api.binpb' }) }, 'descriptors-invalid', /cannot read the descriptor set \/nonexistent\/api\.binpb/);
});
