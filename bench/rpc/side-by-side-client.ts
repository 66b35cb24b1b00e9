// Child process: drives two peers' servers at once from one process, each with its own
// closed-loop load, so both sides of a comparison run in the same window under the same load
// from the rest of the machine. Prints both LoadResults as JSON.
//   side-by-side-client.ts <peerA> <portA> <peerB> <portB> <inflight per side> <warmupMs> <durationMs>
import { create } from '@bufbuild/protobuf';
import { EchoRequestSchema } from './gen/bench/v1/bench_pb.ts';
import { runLoad } from './load.ts';
import { peerById } from './peers/index.ts';

const [a = '', portA, b = '', portB, inflight, warmupMs, durationMs] = process.argv.slice(2);
const shape = { inflight: Number(inflight), warmupMs: Number(warmupMs), durationMs: Number(durationMs) };
const ca = await peerById(a).connect(Number(portA));
const cb = await peerById(b).connect(Number(portB));
const req = create(EchoRequestSchema, { name: 'player-42', n: 42 });
const results = await Promise.all([runLoad(() => ca.call(req), shape), runLoad(() => cb.call(req), shape)]);
await Promise.all([ca.close(), cb.close()]);
process.stdout.write(`RESULT ${JSON.stringify(results)}\n`);
process.exit(0);
