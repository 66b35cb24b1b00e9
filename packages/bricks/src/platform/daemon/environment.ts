// The environment a replica starts with: the daemon's own (PATH, HOME: this is a laptop, not a
// container), the service's `environment`, then what bricks promises every replica.
import { encodeResilience } from '@bricks/sdk/resilience';
import type { Service, Stack } from '../../stack/model.ts';
import { localSettings } from '../local-defaults.ts';

export interface ReplicaEnvInput {
  readonly stack: Stack;
  readonly service: Service;
  readonly replica: string;
  readonly port: number;
  readonly addresses: Readonly<Record<string, number>>;
  readonly discoveryUrl: string;
}

/** `catalog` → `CATALOG_URL`, `user-profile` → `USER_PROFILE_URL`. */
export function addressVariable(service: string): string {
  return `${service.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_URL`;
}

export function replicaEnvironment(input: ReplicaEnvInput): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  Object.assign(env, input.service.environment);
  for (const [name, port] of Object.entries(input.addresses)) env[addressVariable(name)] = `http://127.0.0.1:${port}`;
  env.PORT = String(input.port);
  env.BRICKS_SERVICE = input.service.name;
  env.BRICKS_REPLICA = input.replica;
  env.BRICKS_STACK = input.stack.name;
  env.BRICKS_DISCOVERY_URL = input.discoveryUrl;
  // The SDK's server finishes in-flight calls within this on SIGTERM.
  env.BRICKS_STOP_GRACE_MS = String(localSettings(input.service).stopGracePeriodMs);
  const resilience = input.service.bricks.resilience;
  if (resilience !== undefined) env.BRICKS_RESILIENCE = encodeResilience(resilience);
  return env;
}
