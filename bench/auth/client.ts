// Child process: closed-loop load on the bench's echo service through the SDK's client, and a
// LoadResult as JSON. With an identity folder and a user token it calls as a verified caller:
// the client sends its service identity token by itself, the user token as a bearer header.
//   client.ts <protocol> <port> <inflight> <warmupMs> <durationMs> [<identity dir> <user token>]
import { create } from '@bufbuild/protobuf';
import { client, closeClients } from '../../packages/sdk/src/index.ts';
import { IDENTITY_DIR_VARIABLE } from '../../packages/sdk/src/config/platform-env-names.js';
import { BenchService, EchoRequestSchema } from '../rpc/gen/bench/v1/bench_pb.ts';
import { runLoad } from '../rpc/load.ts';

const [protocol = 'fast', port, inflight, warmupMs, durationMs, dir, userToken] = process.argv.slice(2);
const c = client(BenchService, {
  url: `http://127.0.0.1:${port}`,
  protocol: protocol === 'connect' ? 'connect' : 'fast',
  timeoutMs: 10_000,
  inProcess: false,
  env: dir === undefined ? {} : { [IDENTITY_DIR_VARIABLE]: dir },
  ...(userToken === undefined ? {} : { headers: { authorization: `Bearer ${userToken}` } }),
});
const req = create(EchoRequestSchema, { name: 'player-42', n: 42 });
const result = await runLoad(async () => void (await c.echo(req)), { inflight: Number(inflight), warmupMs: Number(warmupMs), durationMs: Number(durationMs) });
await closeClients();
process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
process.exit(0);
