// Calls made inside one process, no network: a plain async function, Moleculer's local
// broker.call (as configured by default, and with what a bricks call always has turned on),
// and the bricks SDK's in-process path (client() of a served service) with a handler that
// returns its answer and with an `async` one.
import { create } from '@bufbuild/protobuf';
import moleculer from 'moleculer';
import { client, closeClients } from '../../packages/sdk/src/index.ts';
import { RpcHistogram } from '../../packages/sdk/src/telemetry/metrics.ts';
import { BenchService, EchoRequestSchema } from './gen/bench/v1/bench_pb.ts';
import { serveBench } from './peers/bricks-sdk.ts';

export const colocatedKinds = ['function', 'function-timed', 'moleculer-local', 'moleculer-local-full', 'bricks-in-process', 'bricks-in-process-async'] as const;
export type ColocatedKind = (typeof colocatedKinds)[number];

interface Echo {
  name: string;
  n: number;
}

async function echo(req: Echo): Promise<Echo> {
  return { name: req.name, n: req.n };
}

export async function colocatedCaller(kind: ColocatedKind): Promise<{ call: () => Promise<void>; close: () => Promise<void> }> {
  const req: Echo = { name: 'player-42', n: 42 };
  switch (kind) {
    case 'function':
      return {
        call: async () => {
          await echo(req);
        },
        close: async () => {},
      };
    case 'function-timed': {
      // The floor of any call that keeps a latency histogram: the same function call, timed
      // with two clock readings and observed into one histogram series (the SDK's own).
      const series = new RpcHistogram({ name: 'floor_seconds', help: 'floor', labelNames: ['m'], buckets: [0.0005, 0.001, 0.01, 0.1, 1] }).labels({ m: 'echo' });
      return {
        call: async () => {
          const t0 = performance.now();
          await echo(req);
          series.observe((performance.now() - t0) / 1000);
        },
        close: async () => {},
      };
    }
    case 'moleculer-local':
    case 'moleculer-local-full': {
      // -full: a timeout, metrics, tracing and params cloned for the callee, as every bricks call has.
      const full = kind === 'moleculer-local-full';
      const broker = new moleculer.ServiceBroker({
        nodeID: 'bench-local',
        logger: false,
        transporter: null,
        ...(full ? { requestTimeout: 10_000, contextParamsCloning: true, metrics: { enabled: true }, tracing: { enabled: true, exporter: [] } } : {}),
      });
      // The same handler as bricks-in-process: it returns its answer.
      broker.createService({ name: 'bench', actions: { echo: (ctx: moleculer.Context<Echo>) => ({ name: ctx.params.name, n: ctx.params.n }) } });
      await broker.start();
      return {
        call: async () => {
          await broker.call('bench.echo', req);
        },
        close: () => broker.stop(),
      };
    }
    case 'bricks-in-process':
    case 'bricks-in-process-async': {
      // serve() registers the service in this process; client() then calls it without a socket.
      const server = await serveBench(kind === 'bricks-in-process-async');
      const c = client(BenchService, { timeoutMs: 10_000 });
      const msg = create(EchoRequestSchema, req);
      return {
        call: async () => {
          await c.echo(msg);
        },
        close: async () => {
          await closeClients();
          await server.shutdown();
        },
      };
    }
    default: {
      const never: never = kind;
      throw new Error(`unknown kind ${String(never)}`);
    }
  }
}
