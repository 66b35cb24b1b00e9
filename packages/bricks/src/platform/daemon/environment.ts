// The environment a replica starts with: the daemon's own (PATH, HOME: this is a laptop, not a
// container), the service's `environment`, then what bricks promises every replica (the names
// and what each carries: @bricks/sdk/platform-env).
import {
  AUTH_VARIABLE,
  DISCOVERY_URL_VARIABLE,
  GATEWAY_VARIABLE,
  IDENTITY_DIR_VARIABLE,
  IDENTITY_ISSUER_VARIABLE,
  OTLP_ENDPOINT_VARIABLE,
  OTLP_TRACES_ENDPOINT_VARIABLE,
  PORT_VARIABLE,
  REPLICA_VARIABLE,
  RESILIENCE_VARIABLE,
  SECRETS_DIR_VARIABLE,
  SECRETS_KEY_VARIABLE,
  SERVICE_VARIABLE,
  serviceUrlVariable,
  STACK_VARIABLE,
  STOP_GRACE_MS_VARIABLE,
} from '@bricks/sdk/platform-env';
import { LOCAL_ISSUER } from '@bricks/sdk/auth';
import { encodeResilience } from '@bricks/sdk/resilience';
// The program's own file, not gateway/index.ts: the daemon takes the configuration contract only.
import { encodeGatewayConfig, gatewayConfigOf } from '../../gateway/program/config.ts';
import type { Service, Stack } from '../../stack/model.ts';
import { effectiveAuth, encodedAuth } from '../../stack/auth.ts';
import { backingUrlVariables } from '../../stack/backing.ts';
import { localSettings } from '../local-defaults.ts';
import { secretVariables } from '../secrets/vault.ts';
import type { ReplicaFolders } from '../secrets/replica-files.ts';

export interface ReplicaEnvInput {
  readonly stack: Stack;
  readonly service: Service;
  readonly replica: string;
  readonly port: number;
  readonly addresses: Readonly<Record<string, number>>;
  readonly discoveryUrl: string;
  /** The replica's secret and identity folders (secrets/replica-files.ts). */
  readonly folders?: ReplicaFolders;
  /** The daemon's identity issuer URL. */
  readonly identityIssuer?: string;
  /** The daemon's OTLP receiver, for the replica's span exporter. */
  readonly otlpEndpoint?: string;
}

export function replicaEnvironment(input: ReplicaEnvInput): Record<string, string> {
  const env: Record<string, string> = {};
  // A secret is a file, never a variable: the variables `environment:` secrets come from, and the
  // store's key, stay in the daemon.
  const withheld = secretVariables(input.stack);
  withheld.add(SECRETS_KEY_VARIABLE);
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !withheld.has(k)) env[k] = v;
  Object.assign(env, input.service.environment);
  for (const [name, port] of Object.entries(input.addresses)) {
    const backing = input.stack.services[name]?.backing;
    if (backing === undefined) env[serviceUrlVariable(name)] = `http://127.0.0.1:${port}`;
    else Object.assign(env, backingUrlVariables(name, backing, '127.0.0.1', port));
  }
  env[PORT_VARIABLE] = String(input.port);
  env[SERVICE_VARIABLE] = input.service.name;
  env[REPLICA_VARIABLE] = input.replica;
  env[STACK_VARIABLE] = input.stack.name;
  env[DISCOVERY_URL_VARIABLE] = input.discoveryUrl;
  // The SDK's server finishes in-flight calls within this on SIGTERM.
  env[STOP_GRACE_MS_VARIABLE] = String(localSettings(input.service).stopGracePeriodMs);
  const resilience = input.service.bricks.resilience;
  if (resilience !== undefined) env[RESILIENCE_VARIABLE] = encodeResilience(resilience);
  // bricks' gateway program reads the project's descriptor set where it is.
  const gateway = input.service.bricks.gateway;
  if (gateway !== undefined) env[GATEWAY_VARIABLE] = encodeGatewayConfig(gatewayConfigOf(gateway, gateway.descriptors));
  const auth = effectiveAuth(input.stack, input.service);
  // `issuer: local` is this daemon: its URL is known only now.
  if (auth !== undefined) env[AUTH_VARIABLE] = encodedAuth(auth.issuer === LOCAL_ISSUER && input.identityIssuer !== undefined ? { ...auth, issuer: input.identityIssuer } : auth);
  if (input.folders !== undefined) {
    env[SECRETS_DIR_VARIABLE] = input.folders.secretsDir;
    env[IDENTITY_DIR_VARIABLE] = input.folders.identityDir;
  }
  if (input.identityIssuer !== undefined) env[IDENTITY_ISSUER_VARIABLE] = input.identityIssuer;
  // Spans go to the daemon unless the service's own environment names a collector.
  const own = input.service.environment;
  if (input.otlpEndpoint !== undefined && own[OTLP_ENDPOINT_VARIABLE] === undefined && own[OTLP_TRACES_ENDPOINT_VARIABLE] === undefined) {
    env[OTLP_ENDPOINT_VARIABLE] = input.otlpEndpoint;
    delete env[OTLP_TRACES_ENDPOINT_VARIABLE];
  }
  return env;
}
