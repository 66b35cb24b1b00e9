// The environment a replica starts with: the daemon's own (PATH, HOME: this is a laptop, not a
// container), the service's `environment`, then what bricks promises every replica (the names
// and what each carries: @bricks/sdk/platform-env).
import {
  DISCOVERY_URL_VARIABLE,
  PORT_VARIABLE,
  REPLICA_VARIABLE,
  RESILIENCE_VARIABLE,
  SERVICE_VARIABLE,
  serviceUrlVariable,
  STACK_VARIABLE,
  STOP_GRACE_MS_VARIABLE,
} from '@bricks/sdk/platform-env';
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

export function replicaEnvironment(input: ReplicaEnvInput): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  Object.assign(env, input.service.environment);
  for (const [name, port] of Object.entries(input.addresses)) env[serviceUrlVariable(name)] = `http://127.0.0.1:${port}`;
  env[PORT_VARIABLE] = String(input.port);
  env[SERVICE_VARIABLE] = input.service.name;
  env[REPLICA_VARIABLE] = input.replica;
  env[STACK_VARIABLE] = input.stack.name;
  env[DISCOVERY_URL_VARIABLE] = input.discoveryUrl;
  // The SDK's server finishes in-flight calls within this on SIGTERM.
  env[STOP_GRACE_MS_VARIABLE] = String(localSettings(input.service).stopGracePeriodMs);
  const resilience = input.service.bricks.resilience;
  if (resilience !== undefined) env[RESILIENCE_VARIABLE] = encodeResilience(resilience);
  return env;
}
