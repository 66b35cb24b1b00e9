// Child process: drives one peer's server with closed-loop load and prints a LoadResult as JSON.
//   client.ts <peer> <port> <inflight> <warmupMs> <durationMs>
import { create } from '@bufbuild/protobuf';
import { EchoRequestSchema } from './gen/bench/v1/bench_pb.ts';
import { runLoad } from './load.ts';
import { peerById } from './peers/index.ts';

const [id = '', port, inflight, warmupMs, durationMs] = process.argv.slice(2);
const client = await peerById(id).connect(Number(port));
const req = create(EchoRequestSchema, { name: 'player-42', n: 42 });
const result = await runLoad(() => client.call(req), { inflight: Number(inflight), warmupMs: Number(warmupMs), durationMs: Number(durationMs) });
await client.close();
process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
process.exit(0);
