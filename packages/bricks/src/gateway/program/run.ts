// Starts the gateway program from its environment: BRICKS_GATEWAY (config.ts) names the
// descriptor set and its services, PORT and HOST where to listen, the stop grace and drain delay
// how to stop. Split from main.ts so a test runs it in-process with an environment of its own.
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { noticeReady, readPlatformEnv, type Logger } from '@bricks/sdk';
import { DRAIN_DELAY_MS_VARIABLE, GATEWAY_VARIABLE, HOST_VARIABLE } from '@bricks/sdk/platform-env';
import { servicesFromDescriptorSet } from '../descriptor-set.ts';
import { GatewayError } from '../errors.ts';
import { createGateway } from '../gateway.ts';
import { parseGatewayConfig } from './config.ts';
import { edgeHandler } from './edge-hook.ts';
import { startGatewayServer, type GatewayServer } from './server.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** Compose's default stop_grace_period; the platform passes the stack's. */
const DEFAULT_GRACE_MS = 10_000;
/** As SDK servers: long enough for the platform's proxy and SDK discovery to see the replica go unready. */
const DEFAULT_DRAIN_DELAY_MS = 1000;

export async function runGateway(env: Env, log: Logger, cwd = process.cwd()): Promise<GatewayServer> {
  const config = parseGatewayConfig(env[GATEWAY_VARIABLE], GATEWAY_VARIABLE);
  const file = isAbsolute(config.descriptors) ? config.descriptors : resolve(cwd, config.descriptors);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw new GatewayError('descriptors-invalid', `cannot read the descriptor set ${file}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const services = servicesFromDescriptorSet(bytes, file, config.services);
  if (services.length === 0) throw new GatewayError('descriptors-invalid', `${file} has no service with a google.api.http rule: nothing to serve`);
  // Every rule is read and checked here, before the port opens: a bad one stops the start.
  const gateway = createGateway({ services, clientOptions: () => ({ env }) });
  const penv = readPlatformEnv(env);
  const graceMs = penv.stopGraceMs ?? DEFAULT_GRACE_MS;
  const drainEnv = env[DRAIN_DELAY_MS_VARIABLE];
  const drainDelayMs = Math.min(drainEnv !== undefined && /^\d+$/.test(drainEnv) ? Number(drainEnv) : DEFAULT_DRAIN_DELAY_MS, graceMs / 4);
  const host = env[HOST_VARIABLE];
  const server = await startGatewayServer({
    handler: edgeHandler(gateway, services, config.policies),
    port: penv.port ?? 0,
    ...(host === undefined || host === '' ? {} : { host }),
    graceMs,
    drainDelayMs,
    logger: log,
  });
  log.info({ port: server.port, services: services.map((s) => s.typeName), descriptors: file }, 'gateway serving');
  noticeReady(env);
  return server;
}
