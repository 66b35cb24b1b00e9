// The port a service's program listens on, as x-bricks.port defines it on every target.
import type { Service } from './model.ts';

/** When x-bricks.port is not given: a common HTTP default. */
export const DEFAULT_PORT = 8080;

export function servicePort(service: Service): number {
  return service.bricks.port ?? DEFAULT_PORT;
}
