// Child process: calls made inside one process, no network: a plain async function,
// Moleculer's local broker.call, and (once the SDK has it) bricks' in-process client.
//   colocated.ts <kind> <inflight> <warmupMs> <durationMs>
import moleculer from 'moleculer';
import { runLoad } from './load.ts';

export const colocatedKinds = ['function', 'moleculer-local'] as const;
type Kind = (typeof colocatedKinds)[number];

interface Echo {
  name: string;
  n: number;
}

async function echo(req: Echo): Promise<Echo> {
  return { name: req.name, n: req.n };
}

async function caller(kind: Kind): Promise<{ call: () => Promise<void>; close: () => Promise<void> }> {
  const req: Echo = { name: 'player-42', n: 42 };
  switch (kind) {
    case 'function':
      return {
        call: async () => {
          await echo(req);
        },
        close: async () => {},
      };
    case 'moleculer-local': {
      const broker = new moleculer.ServiceBroker({ nodeID: 'bench-local', logger: false, transporter: null });
      broker.createService({ name: 'bench', actions: { echo: (ctx: moleculer.Context<Echo>) => echo(ctx.params) } });
      await broker.start();
      return {
        call: async () => {
          await broker.call('bench.echo', req);
        },
        close: () => broker.stop(),
      };
    }
    default: {
      const never: never = kind;
      throw new Error(`unknown kind ${String(never)}`);
    }
  }
}

if (process.argv[1]?.endsWith('colocated.ts') === true) {
  const [kind = '', inflight, warmupMs, durationMs] = process.argv.slice(2);
  if (!(colocatedKinds as readonly string[]).includes(kind)) throw new Error(`unknown co-located kind ${kind}`);
  const c = await caller(kind as Kind);
  const result = await runLoad(c.call, { inflight: Number(inflight), warmupMs: Number(warmupMs), durationMs: Number(durationMs) });
  await c.close();
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}
