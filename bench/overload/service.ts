// Child process: one SDK service whose every call costs a fixed amount of CPU (what a handler
// that queries and shapes data spends), so that its capacity is known and can be exceeded.
// Overload protection comes from the environment like any replica's (BRICKS_RESILIENCE), so the
// same program runs with the limiter on (the defaults) and off (`overload: { enabled: false }`).
// Prints `READY <port>`, serves until stdin closes (it never outlives its parent), then exits.
import { implement, serve } from '../../packages/sdk/src/index.ts';
import { BenchService } from '../rpc/gen/bench/v1/bench_pb.ts';

/** CPU per call: argv[2] ms (default 2 ms, about what arcade's catalog spends on ListGames). */
const workMs = Number(process.argv[2] ?? 2);

function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

const impl = implement(BenchService, {
  async echo(req) {
    // A turn through the microtask queue first, as a handler that awaits its database does.
    await Promise.resolve();
    spin(workMs);
    return { name: req.name, n: req.n };
  },
  async *ticks(req) {
    for (let n = 1; n <= req.count; n++) yield { name: req.name, n };
  },
});

const server = await serve({ services: [impl], host: '127.0.0.1', port: 0, handleSignals: false, graceMs: 2000, drainDelayMs: 0 });
process.stdout.write(`READY ${server.port}\n`);
process.stdin.resume();
process.stdin.once('end', () => void server.shutdown().finally(() => process.exit(0)));
