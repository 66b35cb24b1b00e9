// Child process: one co-located caller under closed-loop load; prints a LoadResult.
//   colocated.ts <kind> <inflight> <warmupMs> <durationMs>
import { colocatedCaller, colocatedKinds } from './colocated-callers.ts';
import type { ColocatedKind } from './colocated-callers.ts';
import { countLoad } from './load.ts';

const [kind = '', inflight, warmupMs, durationMs] = process.argv.slice(2);
if (!(colocatedKinds as readonly string[]).includes(kind)) throw new Error(`unknown co-located kind ${kind}`);
const c = await colocatedCaller(kind as ColocatedKind);
const result = await countLoad(c.call, { inflight: Number(inflight), warmupMs: Number(warmupMs), durationMs: Number(durationMs) });
await c.close();
process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
process.exit(0);
