// Child process: closed-loop load through the SDK's client on three sides in turn, in short
// slices, so that the shared machine's changing load falls on every side alike: no auth; the
// same two tokens sent to the server without auth (the cost of carrying them); and a verified
// caller (the client sends its identity token by itself, the user token as a bearer header).
// Prints each side's results as JSON.
//   client.ts <protocol> <plain port> <auth port> <identity dir> <user token> <slices> <sliceMs>
import { create } from '@bufbuild/protobuf';
import { client, closeClients } from '../../packages/sdk/src/index.ts';
import { IDENTITY_DIR_VARIABLE } from '../../packages/sdk/src/config/platform-env-names.js';
import { BenchService, EchoRequestSchema } from '../rpc/gen/bench/v1/bench_pb.ts';
import { runLoad, type LoadResult } from '../rpc/load.ts';

const [protocol = 'fast', plainPort, authPort, dir = '', userToken = '', slices = '15', sliceMs = '400'] = process.argv.slice(2);
const p = protocol === 'connect' ? 'connect' : 'fast';
const withTokens = { env: { [IDENTITY_DIR_VARIABLE]: dir }, headers: { authorization: `Bearer ${userToken}` } };
const sides = {
  plain: client(BenchService, { url: `http://127.0.0.1:${plainPort}`, protocol: p, timeoutMs: 10_000, inProcess: false, env: {} }),
  headers: client(BenchService, { url: `http://127.0.0.1:${plainPort}`, protocol: p, timeoutMs: 10_000, inProcess: false, ...withTokens }),
  auth: client(BenchService, { url: `http://127.0.0.1:${authPort}`, protocol: p, timeoutMs: 10_000, inProcess: false, ...withTokens }),
};
const req = create(EchoRequestSchema, { name: 'player-42', n: 42 });
const names = Object.keys(sides) as (keyof typeof sides)[];
const out: Record<string, LoadResult[]> = { plain: [], headers: [], auth: [] };
for (let i = 0; i < Number(slices); i++) {
  for (let j = 0; j < names.length; j++) {
    const name = names[(i + j) % names.length]!;
    const c = sides[name];
    // A short warm-up per slice: connections are open already; this lets the JIT and the queue settle.
    out[name]!.push(await runLoad(async () => void (await c.echo(req)), { inflight: 100, warmupMs: 100, durationMs: Number(sliceMs) }));
  }
}
await closeClients();
process.stdout.write(`RESULT ${JSON.stringify(out)}\n`);
process.exit(0);
