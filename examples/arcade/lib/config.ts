// Configuration every arcade service reads, as zod shapes to spread into its `config()` schema.
import { z } from 'zod';

export const listenConfig = {
  // The interface to listen on. Locally loopback: a laptop's services are not for the network.
  // The Swarm target sets HOST=0.0.0.0 for every replica: a loopback-only listener is
  // unreachable from other containers.
  HOST: z.string().min(1).default('127.0.0.1'),
};

export const dataConfig = {
  // Where the service's PGlite database lives; default `<stack dir>/.bricks/data/<service>`.
  DATA_DIR: z.string().min(1).optional(),
};
