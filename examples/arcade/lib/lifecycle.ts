// How an arcade RPC service stops: on SIGTERM/SIGINT the SDK server drains (not ready, finish
// in-flight calls), then the service releases what it holds (its database), then the process exits.
import { closeClients, logger, type Server } from '@bricks/sdk';

export function stopOnSignals(server: Server, release: () => Promise<void> = () => Promise.resolve()): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    server
      .shutdown()
      .then(release)
      .then(() => closeClients())
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
