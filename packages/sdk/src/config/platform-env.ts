// What the platform tells a replica through its environment (locally the bricks daemon, on
// Swarm/Kubernetes the generated manifests). Read once; tests pass their own env.

export interface PlatformEnv {
  readonly port: number | undefined;
  /** This replica's service, e.g. `catalog`. */
  readonly service: string | undefined;
  /** e.g. `catalog.2`. */
  readonly replica: string | undefined;
  /** `x-bricks.group`: the services this one process serves (BRICKS_SERVICES=a,b). */
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
    port: int(env.PORT),
    service: env.BRICKS_SERVICE || undefined,
    replica: env.BRICKS_REPLICA || undefined,
    services: (env.BRICKS_SERVICES ?? '').split(',').map((s) => s.trim()).filter((s) => s !== ''),
    discoveryUrl: env.BRICKS_DISCOVERY_URL || undefined,
    resilience: env.BRICKS_RESILIENCE || undefined,
    stopGraceMs: int(env.BRICKS_STOP_GRACE_MS),
  };
}

/** `catalog-api` → `CATALOG_API_URL`. */
export function serviceUrlVariable(service: string): string {
  return `${service.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_URL`;
}

export function serviceUrl(service: string, env: Env = process.env): string | undefined {
  return env[serviceUrlVariable(service)] || undefined;
}
