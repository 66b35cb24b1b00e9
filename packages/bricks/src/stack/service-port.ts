// The port a service's program listens on, as x-bricks.port defines it on every target.
import { POSTGRES_PORT } from './backing.ts';
import type { Service } from './model.ts';

/** When x-bricks.port is not given: a common HTTP default. */
export const DEFAULT_PORT = 8080;

export function servicePort(service: Service): number {
  // A backing service listens where its image does.
  return service.bricks.port ?? (service.backing === undefined ? DEFAULT_PORT : POSTGRES_PORT);
}
