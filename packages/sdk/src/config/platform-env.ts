// What the platform tells a replica through its environment (locally the bricks daemon, on
// Swarm/Kubernetes the generated manifests), read once; tests pass their own env. The names
// are in platform-env-names.js.
import {
  DISCOVERY_URL_VARIABLE,
  PORT_VARIABLE,
  REPLICA_VARIABLE,
  RESILIENCE_VARIABLE,
  SERVICE_VARIABLE,
  STACK_VARIABLE,
  SERVICES_VARIABLE,
  serviceUrlVariable,
  STOP_GRACE_MS_VARIABLE,
} from './platform-env-names.js';

export { serviceUrlVariable };

export interface PlatformEnv {
  readonly port: number | undefined;
  /** This replica's service, e.g. `catalog`. */
  readonly service: string | undefined;
  /** e.g. `catalog.2`. */
  readonly replica: string | undefined;
  /** The stack's name. */
  readonly stack: string | undefined;
  /** `x-bricks.group`: the services this one process serves (`a,b`). */
  readonly services: readonly string[];
  /** Local only: the daemon's endpoint list. */
  readonly discoveryUrl: string | undefined;
  /** Raw JSON of `x-bricks.resilience`. */
  readonly resilience: string | undefined;
  /** Grace between SIGTERM and SIGKILL (the stack's stop_grace_period). */
  readonly stopGraceMs: number | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

export function readPlatformEnv(env: Env = process.env): PlatformEnv {
  const int = (v: string | undefined): number | undefined => (v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined);
  return {
    port: int(env[PORT_VARIABLE]),
    service: env[SERVICE_VARIABLE] || undefined,
    replica: env[REPLICA_VARIABLE] || undefined,
    stack: env[STACK_VARIABLE] || undefined,
    services: (env[SERVICES_VARIABLE] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== ''),
    discoveryUrl: env[DISCOVERY_URL_VARIABLE] || undefined,
    resilience: env[RESILIENCE_VARIABLE] || undefined,
    stopGraceMs: int(env[STOP_GRACE_MS_VARIABLE]),
  };
}

export function serviceUrl(service: string, env: Env = process.env): string | undefined {
  return env[serviceUrlVariable(service)] || undefined;
}
