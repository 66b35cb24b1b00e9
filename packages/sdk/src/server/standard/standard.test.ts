// The standard services as other tools meet them. The client here is a stock @grpc/grpc-js
// client that knows only the reflection protocol's wire format (encoded by hand below, as
// grpcurl has its own): it lists the services, fetches their descriptors, builds messages from
// them and calls arcade's CatalogService and grpc.health.v1.Health with no generated code of
// bricks'. Health is followed through readiness, a service marked down, and a drain.
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { create, createFileRegistry, fromBinary, toBinary, type DescMessage, type FileRegistry } from '@bufbuild/protobuf';
import { BinaryReader, BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import { FileDescriptorProtoSchema, FileDescriptorSetSchema, type FileDescriptorProto } from '@bufbuild/protobuf/wkt';
import { CatalogService } from '../../../../../examples/arcade/gen/arcade/v1/catalog_pb.ts';
import { ScoresService } from '../../../../../examples/arcade/gen/arcade/v1/scores_pb.ts';
import { BricksError } from '../../errors/index.ts';
import { implement, serve } from '../index.ts';

async function arcadeServer(t: TestContext, drainDelayMs = 0) {
  const catalog = implement(CatalogService, {
    getGame: (req) => {
      if (req.id !== 'tetris') throw new BricksError('not_found', `no game ${req.id}`);
      return { game: { id: 'tetris', title: 'Tetris', genre: 'puzzle' } };
    },
  });
  const server = await serve({ services: [catalog, implement(ScoresService, {})], host: '127.0.0.1', port: 0, handleSignals: false, drainDelayMs, graceMs: 5000, env: {} });
  t.after(() => server.shutdown());
  const c = new grpc.Client(`127.0.0.1:${server.port}`, grpc.credentials.createInsecure());
  t.after(() => c.close());
  return { server, c };
}

// The reflection protocol's requests and responses, by field number (grpc/reflection/v1/reflection.proto).
type ReflectionRequest = { listServices: string } | { fileContainingSymbol: string } | { fileByFilename: string };
interface ReflectionResponse {
  services?: string[];
  files?: FileDescriptorProto[];
  error?: { code: number; message: string };
}

function encodeRequest(r: ReflectionRequest): Buffer {
  const w = new BinaryWriter();
  if ('listServices' in r) w.tag(7, WireType.LengthDelimited).string(r.listServices);
  else if ('fileContainingSymbol' in r) w.tag(4, WireType.LengthDelimited).string(r.fileContainingSymbol);
  else w.tag(3, WireType.LengthDelimited).string(r.fileByFilename);
  return Buffer.from(w.finish());
}

function fields(bytes: Uint8Array, onField: (no: number, r: BinaryReader, wt: WireType) => void): void {
  const r = new BinaryReader(bytes);
  while (r.pos < r.len) {
    const [no, wt] = r.tag();
    onField(no, r, wt);
  }
}

function decodeResponse(b: Buffer): ReflectionResponse {
  const out: ReflectionResponse = {};
  fields(b, (no, r, wt) => {
    switch (no) {
      case 4: // file_descriptor_response
        fields(r.bytes(), (n, rr, w) => (n === 1 ? (out.files ??= []).push(fromBinary(FileDescriptorProtoSchema, rr.bytes())) : rr.skip(w)));
        break;
      case 6: // list_services_response
        fields(r.bytes(), (n, rr, w) => (n === 1 ? fields(rr.bytes(), (m, r3, w3) => (m === 1 ? (out.services ??= []).push(r3.string()) : r3.skip(w3))) : rr.skip(w)));
        break;
      case 7: {
        const error = { code: 0, message: '' };
        fields(r.bytes(), (n, rr, w) => (n === 1 ? (error.code = rr.int32()) : n === 2 ? (error.message = rr.string()) : rr.skip(w)));
        out.error = error;
        break;
      }
      default:
        r.skip(wt);
    }
  });
  return out;
}

/** One reflection stream: each ask() sends a request and waits for its response. */
function reflectionStream(c: grpc.Client, version: 'v1' | 'v1alpha') {
  const call = c.makeBidiStreamRequest(`/grpc.reflection.${version}.ServerReflection/ServerReflectionInfo`, encodeRequest, decodeResponse, new grpc.Metadata(), { deadline: Date.now() + 5000 });
  const waiting: ((r: ReflectionResponse) => void)[] = [];
  call.on('data', (r: ReflectionResponse) => waiting.shift()?.(r));
  call.on('error', () => undefined);
  return {
    ask: (r: ReflectionRequest) =>
      new Promise<ReflectionResponse>((resolve) => {
        waiting.push(resolve);
        call.write(r);
      }),
    end: () => call.end(),
  };
}

function registryOf(files: FileDescriptorProto[]): FileRegistry {
  return createFileRegistry(create(FileDescriptorSetSchema, { file: files }));
}

function unary(c: grpc.Client, path: string, input: DescMessage, output: DescMessage, init: Record<string, unknown>, deadlineMs = 2000) {
  return new Promise<Record<string, unknown>>((resolve, reject) =>
    c.makeUnaryRequest(
      path,
      (m: Record<string, unknown>) => Buffer.from(toBinary(input, create(input, m))),
      (b: Buffer) => fromBinary(output, b) as unknown as Record<string, unknown>,
      init,
      new grpc.Metadata(),
      { deadline: Date.now() + deadlineMs },
      (err, res) => (err ? reject(err) : resolve(res!)),
    ),
  );
}

async function fetchRegistry(c: grpc.Client, symbols: string[]): Promise<FileRegistry> {
  const s = reflectionStream(c, 'v1');
  const files: FileDescriptorProto[] = [];
  for (const symbol of symbols) files.push(...((await s.ask({ fileContainingSymbol: symbol })).files ?? []));
  s.end();
  return registryOf(files);
}

test('reflection (v1 and v1alpha) lists the services and describes arcade\'s, as grpcurl list/describe do', async (t) => {
  const { c } = await arcadeServer(t);
  for (const version of ['v1', 'v1alpha'] as const) {
    const s = reflectionStream(c, version);
    const listed = await s.ask({ listServices: '' });
    assert.deepEqual(listed.services?.sort(), ['arcade.v1.CatalogService', 'arcade.v1.ScoresService', 'grpc.health.v1.Health', 'grpc.reflection.v1.ServerReflection', 'grpc.reflection.v1alpha.ServerReflection'], version);
    const described = await s.ask({ fileContainingSymbol: 'arcade.v1.CatalogService' });
    assert.deepEqual(described.files?.map((f) => f.name), ['arcade/v1/catalog.proto']);
    const registry = registryOf(described.files);
    const svc = registry.getService('arcade.v1.CatalogService');
    assert.deepEqual(svc?.methods.map((m) => `${m.name}(${m.input.typeName}) ${m.methodKind}`), [
      'ListGames(arcade.v1.ListGamesRequest) unary',
      'GetGame(arcade.v1.GetGameRequest) unary',
      'CreateGame(arcade.v1.CreateGameRequest) unary',
    ]);
    // A method and a message are symbols too; the file was sent once already, and is sent again when asked for.
    assert.deepEqual((await s.ask({ fileContainingSymbol: 'arcade.v1.CatalogService.GetGame' })).files?.map((f) => f.name), ['arcade/v1/catalog.proto']);
    assert.deepEqual((await s.ask({ fileContainingSymbol: 'arcade.v1.Game' })).files?.map((f) => f.name), ['arcade/v1/catalog.proto']);
    assert.deepEqual((await s.ask({ fileByFilename: 'grpc/health/v1/health.proto' })).files?.map((f) => f.name), ['grpc/health/v1/health.proto']);
    assert.deepEqual((await s.ask({ fileContainingSymbol: 'arcade.v1.Nope' })).error, { code: 5, message: 'symbol arcade.v1.Nope not found' });
    s.end();
  }
});

test('a grpc-js client calls arcade\'s CatalogService and Health with messages built from reflection alone', async (t) => {
  const { c } = await arcadeServer(t);
  const registry = await fetchRegistry(c, ['arcade.v1.CatalogService', 'grpc.health.v1.Health']);
  const getGame = registry.getService('arcade.v1.CatalogService')!.methods.find((m) => m.name === 'GetGame')!;
  const res = await unary(c, '/arcade.v1.CatalogService/GetGame', getGame.input, getGame.output, { id: 'tetris' });
  assert.equal((res.game as { title: string }).title, 'Tetris');
  await assert.rejects(unary(c, '/arcade.v1.CatalogService/GetGame', getGame.input, getGame.output, { id: 'pong' }), (e: grpc.ServiceError) => e.code === grpc.status.NOT_FOUND && e.details === 'no game pong');
  // A method without a handler, and one the server does not have at all.
  await assert.rejects(unary(c, '/arcade.v1.ScoresService/TopScores', getGame.input, getGame.output, {}), (e: grpc.ServiceError) => e.code === grpc.status.UNIMPLEMENTED);
  await assert.rejects(unary(c, '/arcade.v1.Nope/Nope', getGame.input, getGame.output, {}), (e: grpc.ServiceError) => e.code === grpc.status.UNIMPLEMENTED);
});

test('grpc.health.v1: Check and Watch follow readiness, a service marked down, and the drain', async (t) => {
  const { server, c } = await arcadeServer(t, 300);
  const registry = await fetchRegistry(c, ['grpc.health.v1.Health']);
  const health = registry.getService('grpc.health.v1.Health')!;
  const check = health.methods.find((m) => m.name === 'Check')!;
  const watch = health.methods.find((m) => m.name === 'Watch')!;
  const statusName = (v: unknown) => registry.getEnum('grpc.health.v1.HealthCheckResponse.ServingStatus')!.values.find((x) => x.number === v)!.name;
  const checkOf = async (service: string) => statusName((await unary(c, '/grpc.health.v1.Health/Check', check.input, check.output, { service })).status);

  assert.equal(await checkOf(''), 'SERVING');
  assert.equal(await checkOf('arcade.v1.CatalogService'), 'SERVING');
  await assert.rejects(checkOf('arcade.v1.Nope'), (e: grpc.ServiceError) => e.code === grpc.status.NOT_FOUND);

  const seen: string[] = [];
  let ended: string | undefined;
  const stream = c.makeServerStreamRequest(
    '/grpc.health.v1.Health/Watch',
    (m: Record<string, unknown>) => Buffer.from(toBinary(watch.input, create(watch.input, m))),
    (b: Buffer) => fromBinary(watch.output, b) as unknown as { status: number },
    { service: 'arcade.v1.CatalogService' },
  );
  stream.on('data', (r: { status: number }) => seen.push(statusName(r.status)));
  stream.on('error', (e: grpc.ServiceError) => (ended = `error ${e.code}`));
  stream.on('end', () => (ended ??= 'ok'));
  const until = async (what: string, check: () => boolean) => {
    const end = Date.now() + 3000;
    while (!check()) {
      if (Date.now() > end) assert.fail(`timed out waiting for ${what}; saw ${seen.join(',')}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  await until('SERVING', () => seen.length === 1);
  server.setServing('arcade.v1.CatalogService', false);
  await until('NOT_SERVING', () => seen.length === 2);
  assert.equal(await checkOf('arcade.v1.CatalogService'), 'NOT_SERVING');
  assert.equal(await checkOf('arcade.v1.ScoresService'), 'SERVING');
  server.setServing('arcade.v1.CatalogService', true);
  await until('SERVING again', () => seen.length === 3);

  // Shutdown: NOT_SERVING at once (during the drain delay calls are still answered), then the watch ends.
  const stopped = server.shutdown();
  await until('NOT_SERVING on shutdown', () => seen.length === 4);
  assert.equal(await checkOf(''), 'NOT_SERVING');
  await until('the watch to end', () => ended !== undefined);
  await stopped;
  assert.deepEqual(seen, ['SERVING', 'NOT_SERVING', 'SERVING', 'NOT_SERVING']);
  assert.equal(ended, 'ok');
});
