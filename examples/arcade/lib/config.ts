// Configuration every arcade service reads, as zod shapes to spread into its `config()` schema.
import { z } from 'zod';

export const listenConfig = {
  // The interface to listen on. Locally loopback: a laptop's services are not for the network.
  // The Swarm target sets HOST=0.0.0.0 for every replica: a loopback-only listener is
  // unreachable from other containers.
  HOST: z.string().min(1).default('127.0.0.1'),
};

export const databaseConfig = {
  // The stack's backing service `db`, as the platform names it on every target (`<NAME>_URL`):
  // postgres://postgres@127.0.0.1:7105/arcade locally, postgres://postgres@db:5432/arcade on
  // Swarm and Kubernetes. No password in it: that is the db_password secret.
  DB_URL: z.string().regex(/^postgres(ql)?:\/\//, 'expected a postgres:// URL'),
};
