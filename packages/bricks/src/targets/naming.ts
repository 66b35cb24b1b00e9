// Names shared by every engine target: image references, the environment handed to replicas
// (its variables are named in @bricks/sdk/platform-env), and the DNS-safe form of a service name.
import { LOCAL_ISSUER } from '@bricks/sdk/auth';
import {
  AUTH_VARIABLE, HOST_VARIABLE, PORT_VARIABLE, RESILIENCE_VARIABLE, SERVICE_VARIABLE, serviceUrlVariable, STACK_VARIABLE, STOP_GRACE_MS_VARIABLE, TARGET_VARIABLE,
} from '@bricks/sdk/platform-env';
import { encodeResilience } from '@bricks/sdk/resilience';
import type { Service, Stack } from '../stack/model.ts';
import { effectiveAuth, encodedAuth } from '../stack/auth.ts';
import { servicePort } from '../stack/service-port.ts';
import { backingUrlVariables } from '../stack/backing.ts';
import { TargetError } from './errors.ts';
import { engineStopGraceMs } from './engine-defaults.ts';
import { gatewayEnvironment } from './gateway.ts';

export type TargetKind = 'swarm' | 'kubernetes';

/** A Docker repository component: lower case, `[a-z0-9._-]`, no leading separator. */
function repoComponent(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[._-]+/, '');
}

/** The repository of the image bricks builds for a service, without registry: `<stack>-<service>`. */
export function imageRepository(stack: string, service: string): string {
  return `${repoComponent(stack)}-${repoComponent(service)}`;
}

/** The image bricks builds for a service: `<registry>/<stack>-<service>:<sha>` (no registry: no prefix). */
export function imageRef(stack: string, service: string, sha: string, registry?: string): string {
  const prefix = registry ? `${registry.replace(/\/+$/, '')}/` : '';
  return `${prefix}${imageRepository(stack, service)}:${sha}`;
}

/** A DNS-1035 label (Kubernetes object and Service names): `[a-z]([-a-z0-9]*[a-z0-9])?`, ≤ 63. */
export function dnsLabel(name: string): string {
  let s = name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z]+/, '');
  s = s.slice(0, 63).replace(/-+$/, '');
  return s === '' ? 'x' : s;
}

/**
 * The environment every replica gets on an engine target: the service's own `environment`,
 * then the platform's variables (they win, as locally): PORT, HOST, the service, stack and
 * target names, the stop grace period and the resilience policy the SDK reads, and
 * `<NAME>_URL` for every service of the stack, addressed through `hostOf` (a backing service's
 * is its connection URL, `postgres://user@db:5432/name`). HOST is 0.0.0.0:
 * in a container, a program that binds loopback only is unreachable from other services and
 * from published ports.
 */
export function replicaEnvironment(
  stack: Stack,
  service: Service,
  target: TargetKind,
  hostOf: (other: Service) => string,
  /** The port callers use, when it is not the service's own (a proxy in between). */
  portOf: (other: Service) => number = servicePort,
): Record<string, string> {
  const env: Record<string, string> = { ...service.environment };
  env[PORT_VARIABLE] = String(servicePort(service));
  env[HOST_VARIABLE] = '0.0.0.0';
  env[SERVICE_VARIABLE] = service.name;
  env[STACK_VARIABLE] = stack.name;
  env[TARGET_VARIABLE] = target;
  // The SDK finishes in-flight calls within this on SIGTERM, as locally.
  env[STOP_GRACE_MS_VARIABLE] = String(engineStopGraceMs(service));
  if (service.bricks.resilience !== undefined) env[RESILIENCE_VARIABLE] = encodeResilience(service.bricks.resilience);
  const auth = effectiveAuth(stack, service);
  if (auth?.issuer === LOCAL_ISSUER) {
    throw new TargetError('invalid-stack', `services.${service.name}: x-bricks.auth.issuer is ${LOCAL_ISSUER}, the bricks daemon's development issuer, which a ${target} deployment does not have: name your OIDC issuer's URL (arcade: ARCADE_ISSUER=https://...)`);
  }
  if (auth !== undefined) env[AUTH_VARIABLE] = encodedAuth(auth);
  Object.assign(env, gatewayEnvironment(service));
  for (const other of Object.values(stack.services)) {
    const backing = other.backing;
    if (backing === undefined) env[serviceUrlVariable(other.name)] = `http://${hostOf(other)}:${portOf(other)}`;
    else Object.assign(env, backingUrlVariables(other.name, backing, hostOf(other), servicePort(other)));
  }
  return env;
}
