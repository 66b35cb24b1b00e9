// Rows 2 and 1b: the bricks SDK end to end, `serve()` in one process and a typed `client()` in
// the other (deadline, span, metrics, breaker, bulkhead, balancer, retry), over Connect or fast.
import { client, closeClients, implement, serve } from '../../../packages/sdk/src/index.ts';
import type { Server } from '../../../packages/sdk/src/index.ts';
import { BenchService } from '../gen/bench/v1/bench_pb.ts';
import type { Peer } from './peer.ts';

async function* ticks(req: { name: string; count: number }): AsyncGenerator<{ name: string; n: number }> {
  for (let n = 1; n <= req.count; n++) yield { name: req.name, n };
}

export const benchImplementation = implement(BenchService, { echo: (req) => ({ name: req.name, n: req.n }), ticks });
/** The same handler as an `async` function: its calls keep their context across awaits. */
const asyncBenchImplementation = implement(BenchService, { echo: async (req) => ({ name: req.name, n: req.n }), ticks });

export async function serveBench(asyncHandler = false): Promise<Server> {
  const services = [asyncHandler ? asyncBenchImplementation : benchImplementation];
  return serve({ services, port: 0, host: '127.0.0.1', handleSignals: false, graceMs: 2000, drainDelayMs: 0 });
}

function sdkPeer(label: string, protocol: 'connect' | 'fast'): Peer {
  return {
    label,
    async serve() {
      const server = await serveBench();
      return { port: server.port, close: () => server.shutdown() };
    },
    async connect(port) {
      // inProcess: false — the service is not served here anyway, but say so for clarity.
      const c = client(BenchService, { url: `http://127.0.0.1:${port}`, protocol, timeoutMs: 10_000, inProcess: false });
      return {
        async call(req) {
          await c.echo(req);
        },
        close: () => closeClients(),
      };
    },
  };
}

export const sdkConnectPeer = sdkPeer('bricks SDK, Connect protocol (serve/client over h2c)', 'connect');
export const sdkFastPeer = sdkPeer('bricks SDK, fast protocol (serve/client over the fast path)', 'fast');
