// Another language's gRPC calls a bricks server: Python's grpcio (gRPC's C core, from Debian's
// python3-grpcio) with no generated code, raw bytes in and out, makes unary, server-streaming
// and bidi calls and reads status codes. Skipped where python3 has no grpc module.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fromBinary } from '@bufbuild/protobuf';
import { GetGameResponseSchema, CatalogService } from '../../../../../examples/arcade/gen/arcade/v1/catalog_pb.ts';
import { BricksError } from '../../errors/index.ts';
import { TickSchema } from '../../testing/gen/bricks/test/v1/test_pb.ts';
import { streamImpl } from '../../testing/stream-service.ts';
import { implement, serve } from '../index.ts';

const python = ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import grpc'], { stdio: 'ignore' }).status === 0);

// Length-delimited string fields under 128 bytes and small varints: enough protobuf by hand.
const script = `
import sys, grpc
ch = grpc.insecure_channel("127.0.0.1:" + sys.argv[1])
raw = lambda b: b
def s(field, text):
    b = text.encode()
    return bytes([field << 3 | 2, len(b)]) + b
get = ch.unary_unary("/arcade.v1.CatalogService/GetGame", request_serializer=raw, response_deserializer=raw)
print("unary", get(s(1, "tetris"), timeout=5).hex())
try:
    get(s(1, "pong"), timeout=5)
except grpc.RpcError as e:
    print("error", e.code().name, e.details())
ticks = ch.unary_stream("/bricks.test.v1.StreamService/Ticks", request_serializer=raw, response_deserializer=raw)
print("server-stream", ",".join(m.hex() for m in ticks(bytes([0x08, 3]), timeout=5)))
chat = ch.stream_stream("/bricks.test.v1.StreamService/Chat", request_serializer=raw, response_deserializer=raw)
print("bidi", ",".join(m.hex() for m in chat(iter([bytes([0x08, 1]), bytes([0x08, 41])]), timeout=5)))
check = ch.unary_unary("/grpc.health.v1.Health/Check", request_serializer=raw, response_deserializer=raw)
print("health", check(b"", timeout=5).hex())
`;

test('Python grpcio (C core) makes unary, streaming and bidi calls and reads status codes', { skip: python === undefined ? 'python3 with grpc not installed (Debian: python3-grpcio)' : false }, async (t) => {
  const catalog = implement(CatalogService, {
    getGame: (req) => {
      if (req.id !== 'tetris') throw new BricksError('not_found', `no game ${req.id}`);
      return { game: { id: 'tetris', title: 'Tetris' } };
    },
  });
  const server = await serve({ services: [catalog, streamImpl()], host: '127.0.0.1', port: 0, handleSignals: false, drainDelayMs: 0, env: {} });
  t.after(() => server.shutdown());
  // Async: the server runs in this process and must answer while Python waits.
  const { spawn } = await import('node:child_process');
  const child = spawn(python!, ['-c', script, String(server.port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  assert.equal(code, 0, err);
  const lines = Object.fromEntries(out.trim().split('\n').map((l) => [l.slice(0, l.indexOf(' ')), l.slice(l.indexOf(' ') + 1)]));
  assert.equal(fromBinary(GetGameResponseSchema, Buffer.from(lines.unary!, 'hex')).game?.title, 'Tetris');
  assert.equal(lines.error, 'NOT_FOUND no game pong');
  const ticks = lines['server-stream']!.split(',').map((h) => fromBinary(TickSchema, Buffer.from(h, 'hex')).n);
  assert.deepEqual(ticks, [1, 2, 3]);
  const chat = lines.bidi!.split(',').map((h) => fromBinary(TickSchema, Buffer.from(h, 'hex')).n);
  assert.deepEqual(chat, [2, 42]);
  assert.equal(lines.health, '0801'); // status: SERVING
});
