// bricks' gateway program: what a service with x-bricks.gateway runs, locally as a replica the
// daemon starts and on Swarm and Kubernetes as the entry of its image. SIGTERM (or SIGINT) drains
// it and exits; a configuration that cannot be served exits at once with the reason.
import { closeClients, logger } from '@bricks/sdk';
import { runGateway } from './run.ts';

let server;
try {
  server = await runGateway(process.env, logger);
} catch (err) {
  logger.fatal({ err }, err instanceof Error ? err.message : String(err));
  process.exit(2);
}
const running = server;
const stop = (signal: NodeJS.Signals): void => {
  logger.info({ signal }, 'signal received');
  running
    .shutdown()
    .then(() => closeClients())
    .then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
