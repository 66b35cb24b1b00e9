// How an arcade RPC service stops: on SIGTERM/SIGINT the SDK server drains (not ready, finish
// in-flight calls), then the service releases what it holds (its database), then the process exits.
// Services co-located in one process (x-bricks.group) each register here; the first signal
// stops them all and the process exits once every one has released what it holds. The list
// lives on globalThis because each co-located service is its own bundle with its own copy of
// this module.
import { closeClients, stopTracing, logger } from '@bricks/sdk';

/** What stops: an SDK server, or the gateway's HTTP server. */
export interface Stoppable {
  shutdown(): Promise<void>;
}

interface Stopper {
  readonly entries: { server: Stoppable; release: () => Promise<void> }[];
  stopping: boolean;
}

const KEY = Symbol.for('arcade/lifecycle/v1');

export function stopOnSignals(server: Stoppable, release: () => Promise<void> = () => Promise.resolve()): void {
  const holder = globalThis as unknown as Record<symbol, Stopper | undefined>;
  const first = holder[KEY] === undefined;
  const stopper = (holder[KEY] ??= { entries: [], stopping: false });
  stopper.entries.push({ server, release });
  if (!first) return;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopper.stopping) return;
    stopper.stopping = true;
    logger.info({ signal }, 'stopping');
    // Co-located services share one server: shut each distinct one down once.
    const servers = [...new Set(stopper.entries.map((e) => e.server))];
    Promise.all(servers.map((s) => s.shutdown()))
      .then(() => Promise.all(stopper.entries.map((e) => e.release())))
      .then(() => closeClients())
      // The last requests' spans leave before the process does (serve() does it for its own).
      .then(() => stopTracing())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err }, 'stop failed');
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
