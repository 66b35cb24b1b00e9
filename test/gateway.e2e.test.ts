// A declared gateway on the local platform, through the real CLI and daemon: a service with
// x-bricks.gateway runs bricks' gateway program as a replica like any other (two of them, ready by
// its /readyz), transcodes REST calls to the SDK service behind it by the descriptor set's rules,
// passes on the caller's authorization and nothing else, and a new descriptor set rolls it.
// Inside the repo's git-ignored .tmp/, so that tsx and @bricks/sdk resolve for the backend.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { create, toBinary, type DescFile } from '@bufbuild/protobuf';
import { file_google_protobuf_source_context, FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { LibraryService } from '../packages/bricks/src/gateway/gen/bricks/gateway/test/v1/library_pb.ts';
import { send } from './helpers/arcade-checks.ts';
import { cleanUpAfter, Project, until } from './helpers/bricks.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const GEN = join(ROOT, 'packages', 'bricks', 'src', 'gateway', 'gen', 'bricks', 'gateway', 'test', 'v1', 'library_pb.ts');

/** The files and their imports, imports first, as buf build writes them. */
function setOf(...roots: DescFile[]): Uint8Array {
  const files: DescFile[] = [];
  const visit = (f: DescFile): void => {
    if (files.includes(f)) return;
    f.dependencies.forEach(visit);
    files.push(f);
  };
  roots.forEach(visit);
  return toBinary(FileDescriptorSetSchema, create(FileDescriptorSetSchema, { file: files.map((f) => f.proto) }));
}

// The RPC service behind the gateway: GetShelf echoes the caller's metadata back in the labels.
const LIBRARY = `
import { create } from '@bufbuild/protobuf';
import { implement, serve } from '@bricks/sdk';
import { LibraryService, ShelfSchema } from ${JSON.stringify(GEN)};
await serve({
  services: [
    implement(LibraryService, {
      getShelf: (req, ctx) => create(ShelfSchema, { id: req.shelf, theme: 'sea', labels: ['auth=' + (ctx.requestHeaders.get('authorization') ?? ''), 'cookie=' + (ctx.requestHeaders.get('cookie') ?? '')] }),
    }),
  ],
});
`;

test('x-bricks.gateway: bricks runs its gateway program as replicas that transcode to the service behind', { timeout: 180_000 }, async (t) => {
  mkdirSync(join(ROOT, '.tmp'), { recursive: true });
  const p = new Project(mkdtempSync(join(ROOT, '.tmp', 'gateway-e2e-')));
  cleanUpAfter(t, p);
  p.write('library.ts', LIBRARY);
  writeFileSync(join(p.dir, 'api.binpb'), setOf(LibraryService.file));
  p.write(
    'bricks.yaml',
    [
      'name: gw',
      'services:',
      '  api:',
      '    x-bricks:',
      '      gateway: { descriptors: ./api.binpb, services: [bricks.gateway.test.v1.LibraryService] }',
      '    deploy: { replicas: 2 }',
      '    depends_on: { library: { condition: service_healthy } }',
      '  library:',
      '    x-bricks:',
      '      run: node --import tsx library.ts',
      '      health: { ready: /readyz, live: /healthz }',
      '',
    ].join('\n'),
  );
  const up = await p.bricks('up', '-d', '--wait', '120');
  assert.equal(up.code, 0, `${up.stdout}\n${up.stderr}`);
  const doc = await p.ps();
  const api = doc.services.find((s) => s.name === 'api');
  assert.equal(api?.ready, 2, JSON.stringify(doc));
  const address = api.address;

  const r = await send('GET', `${address}/v1/shelves/7`, undefined, { authorization: 'Bearer player', cookie: 'session=1' });
  assert.equal(r.status, 200, r.body.toString());
  assert.deepEqual(JSON.parse(r.body.toString()), { id: '7', theme: 'sea', labels: ['auth=Bearer player', 'cookie='] });
  const missing = await send('GET', `${address}/v1/nothing`);
  assert.equal(missing.status, 404);
  assert.equal((JSON.parse(missing.body.toString()) as { code: number }).code, 5);
  assert.equal((await send('GET', `${address}/readyz`)).status, 200);
  // The edge's defaults: a request id on every answer; the OpenAPI document of the same services.
  assert.match(String(r.headers['x-request-id'] ?? ''), /\S/, 'the edge answers with a request id');
  const openapi = await send('GET', `${address}/openapi.json`);
  assert.equal(openapi.status, 200);
  const spec = JSON.parse(openapi.body.toString()) as { openapi: string; paths: Record<string, unknown> };
  assert.equal(spec.openapi, '3.1.0');
  assert.ok(spec.paths['/v1/shelves/{shelf}'] !== undefined || Object.keys(spec.paths).some((k) => k.startsWith('/v1/shelves/')), Object.keys(spec.paths).join(', '));

  // A different descriptor set is a new version of the gateway: a deploy rolls it, and only it.
  const before = doc.services.map((s) => [s.name, s.version]);
  writeFileSync(join(p.dir, 'api.binpb'), setOf(LibraryService.file, file_google_protobuf_source_context));
  const again = await p.bricks('deploy');
  assert.equal(again.code, 0, `${again.stdout}\n${again.stderr}`);
  const after = (await p.ps()).services.map((s) => [s.name, s.version]);
  assert.notEqual(after[0]?.[1], before[0]?.[1], `the gateway has a new version: ${again.stdout}`);
  assert.deepEqual(after[1], before[1], 'the service behind is left alone');
  await until('the new replicas answer', async () => (await send('GET', `${address}/v1/shelves/8`)).status === 200);
});
