// Child process: one stock grpc-js client that fires `n` concurrent calls at 127.0.0.1:<port>
// with a deadline, once its parent says go (a line on stdin), and prints `RESULT <json>` (an
// Outcome). A burst split over a few of these is one burst to the service, and no one client's
// event loop is what limits it (grpc-js spends most of a millisecond of CPU to start each call).
import { createInterface } from 'node:readline';
import { grpcBurst, grpcClient } from './load.ts';

const [port, n, deadlineMs] = process.argv.slice(2).map(Number) as [number, number, number];
const load = await grpcClient(port, { 'grpc.enable_channelz': 0 });
process.stdout.write('READY\n');
await new Promise<void>((resolve) => createInterface({ input: process.stdin }).once('line', () => resolve()));
const out = await grpcBurst(load, n, deadlineMs);
load.close();
process.stdout.write(`RESULT ${JSON.stringify(out)}\n`);
process.exit(0);
