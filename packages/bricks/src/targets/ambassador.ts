// An ambassador on an engine: the same dependency-free forwarder the local target runs
// (platform/backing/ambassador.mjs), mounted into the service's container as a file (a Swarm
// config, a Kubernetes ConfigMap) and run by the Node of its image, so no image of its own is needed.
import type { Service } from '../stack/model.ts';
import { AMBASSADOR, ambassadorArgs } from '../platform/backing/index.ts';

/** Where the forwarder's file is mounted in the container. */
export const AMBASSADOR_MOUNT = '/bricks/ambassador.mjs';
/** The name of its config (Swarm) or ConfigMap key (Kubernetes). */
export const AMBASSADOR_SOURCE = 'bricks-ambassador';

/** The forwarder's file, as it ships with this bricks. */
export const AMBASSADOR_FILE = AMBASSADOR;

/** The container's command: node on the mounted file; the credential is at its secret's mount. */
export function ambassadorCommand(service: Service): string[] | null {
  const a = service.bricks.ambassador;
  return a === undefined ? null : ['node', AMBASSADOR_MOUNT, ...ambassadorArgs(service, a, (target) => target)];
}
