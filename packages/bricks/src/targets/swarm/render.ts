// A release as a Swarm stack file (Compose v3.8 for `docker stack deploy`). Nothing in a
// service's spec depends on the SHA unless its image does: then an unchanged service has an
// unchanged spec, and Swarm leaves its tasks alone.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { REPLICA_VARIABLE } from '@bricks/sdk/platform-env';
import type { Service, Stack } from '../../stack/model.ts';
import {
  imageSource, isEdge, readAutoscale, readNetworks, readPorts, readSources, readSourceValue, readUpdateConfig, readVolumes,
} from '../compose-keys.ts';
import { TargetError } from '../errors.ts';
import { replicaEnvironment } from '../naming.ts';
import { argvOf } from '../kubernetes/probes.ts';
import { swarmHealthcheck } from './healthcheck.ts';

export type SwarmCompose = {
  version: string;
  services: Record<string, Record<string, unknown>>;
  networks: Record<string, Record<string, unknown>>;
  volumes?: Record<string, Record<string, unknown>>;
  secrets?: Record<string, Record<string, unknown>>;
  configs?: Record<string, Record<string, unknown>>;
};

/** Values that must be materialised as files for Swarm (environment or inline sources). */
export interface SourceFile {
  readonly kind: 'secrets' | 'configs';
  readonly name: string;
  readonly value: Buffer;
}

export interface SwarmRenderOptions {
  /**
   * Where a secret/config value from `environment:`/`content:` is written for Swarm to read;
   * called once per such value. Default: such sources are an error.
   */
  readonly materialize?: (file: SourceFile) => string;
}

/** A Docker stack name: `[a-z0-9][a-z0-9_.-]*`. */
export function swarmStackName(stack: Stack): string {
  const s = stack.name.toLowerCase().replace(/[^a-z0-9_.-]+/g, '-').replace(/^[^a-z0-9]+/, '');
  return s === '' ? 'bricks' : s;
}

const ms = (v: number): string => `${Math.max(0, Math.round(v))}ms`;

function hash8(v: Buffer | string): string {
  return createHash('sha256').update(v).digest('hex').slice(0, 8);
}


/**
 * Swarm secrets and configs cannot change once created, so each gets a name that carries a
 * hash of its content: a changed value is a new object, and only its users are updated.
 */
function renderSources(
  stack: Stack,
  kind: 'secrets' | 'configs',
  opts: SwarmRenderOptions,
  readFile: (p: string) => Buffer,
): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [name, src] of Object.entries(readSources(stack, kind))) {
    if (src.kind === 'external') {
      out[name] = { external: true, name: src.name };
      continue;
    }
    const value = readSourceValue(kind, name, src, readFile);
    if (value === null) continue;
    let file: string;
    if (src.kind === 'file') file = src.path;
    else if (opts.materialize) file = opts.materialize({ kind, name, value });
    else throw new TargetError('invalid-stack', `${kind}.${name}: ${src.kind} sources need a place to be written`);
    out[name] = { file, name: `${swarmStackName(stack)}_${name}_${hash8(value)}` };
  }
  return out;
}

function renderService(stack: Stack, service: Service, image: string): Record<string, unknown> {
  const raw = service.compose;
  const rawDeploy = (typeof raw['deploy'] === 'object' && raw['deploy'] !== null ? raw['deploy'] : {}) as Record<string, unknown>;
  const edge = isEdge(service);
  const published = readPorts(service);
  const autoscale = readAutoscale(service);
  // A port published in host mode can be bound by one task per node: such a service runs one
  // task on every node (global), unless the stack chose a mode itself (say, with placement
  // limits on a multi-node swarm). And its update must stop the old task before starting the new.
  const hostPorts = published.some((p) => p.published !== null);
  const global = rawDeploy['mode'] === 'global' || (hostPorts && rawDeploy['mode'] === undefined);
  const update = hostPorts ? { ...readUpdateConfig(service), order: 'stop-first' as const } : readUpdateConfig(service);
  // Swarm has no autoscaler and nothing that wakes a service from zero: run the floor, at least one.
  const replicas = autoscale ? Math.max(1, autoscale.min, service.replicas) : service.replicas;
  const r = service.restart;
  const deploy: Record<string, unknown> = {
    ...(global ? { mode: 'global' } : { replicas }),
    // SDK clients balance over DNS A records themselves; the edge keeps a VIP unless told otherwise.
    endpoint_mode: edge ? (rawDeploy['endpoint_mode'] ?? 'vip') : 'dnsrr',
    update_config: {
      parallelism: update.parallelism,
      delay: ms(update.delayMs),
      order: update.order,
      failure_action: update.failureAction,
      ...(update.monitorMs !== null ? { monitor: ms(update.monitorMs) } : {}),
      ...(update.maxFailureRatio !== null ? { max_failure_ratio: update.maxFailureRatio } : {}),
    },
    restart_policy: {
      condition: r.condition,
      delay: ms(r.delayMs),
      window: ms(r.windowMs),
      ...(r.maxAttempts !== null ? { max_attempts: r.maxAttempts } : {}),
    },
  };
  for (const key of ['resources', 'placement', 'labels', 'rollback_config'] as const) {
    if (rawDeploy[key] !== undefined) deploy[key] = rawDeploy[key];
  }
  const out: Record<string, unknown> = {
    image,
    environment: {
      ...replicaEnvironment(stack, service, 'swarm', (other) => other.name),
      // Which replica this is, as locally (`analytics.2`): Swarm fills the template in per task.
      // A global service's tasks have no slot, so they are named by node.
      [REPLICA_VARIABLE]: `${service.name}.${global ? '{{.Node.Hostname}}' : '{{.Task.Slot}}'}`,
    },
    deploy,
    stop_grace_period: ms(service.stopGracePeriodMs),
  };
  const src = imageSource(service);
  if (src.kind === 'external' && service.run) out['command'] = argvOf(service.run);
  // A tiny init as PID 1 forwards SIGTERM to node, which as PID 1 itself would ignore it and
  // hold its host port until the grace period runs out.
  if (src.kind === 'built') out['init'] = true;
  const health = swarmHealthcheck(service);
  if (health) out['healthcheck'] = health;
  else if (src.kind === 'external' && raw['healthcheck'] !== undefined) out['healthcheck'] = raw['healthcheck'];
  // The ingress routing mesh is not used: ports are bound on the node that runs the task.
  const ports = published.map((p) => ({
    target: p.target,
    ...(p.published !== null ? { published: p.published } : {}),
    protocol: p.protocol,
    mode: 'host',
  }));
  if (ports.length > 0) out['ports'] = ports;
  const networks = readNetworks(service);
  if (networks.length > 0) out['networks'] = networks;
  for (const key of ['secrets', 'configs', 'user', 'hostname', 'init', 'ulimits', 'sysctls', 'cap_add', 'cap_drop', 'volumes', 'logging'] as const) {
    if (raw[key] !== undefined) out[key] = raw[key];
  }
  return out;
}

/**
 * The stack file for `docker stack deploy`. `images` maps each built service to its image
 * reference (from buildImages); services that name a Compose `image:` and have nothing to
 * build use it as is. Throws TargetError (`invalid-stack`, `unreadable-source`).
 */
export function renderSwarmStack(
  stack: Stack,
  images: Readonly<Record<string, string>>,
  opts: SwarmRenderOptions & { readFile?: (path: string) => Buffer } = {},
): SwarmCompose {
  const readFile = opts.readFile ?? ((p: string) => readFileSync(p));
  const services: SwarmCompose['services'] = {};
  for (const service of Object.values(stack.services)) {
    const src = imageSource(service);
    const image = images[service.name] ?? (src.kind === 'external' ? src.ref : undefined);
    if (!image) throw new TargetError('invalid-stack', `services.${service.name}: no image was built for it`);
    services[service.name] = renderService(stack, service, image);
  }
  const userNetworks = (typeof stack.compose['networks'] === 'object' && stack.compose['networks'] !== null
    ? stack.compose['networks'] : {}) as Record<string, unknown>;
  const networks: SwarmCompose['networks'] = { default: { driver: 'overlay', attachable: true } };
  for (const [name, def] of Object.entries(userNetworks)) {
    const d = (typeof def === 'object' && def !== null ? def : {}) as Record<string, unknown>;
    networks[name] = d['external'] ? d : { ...d, driver: d['driver'] ?? 'overlay' };
  }
  const out: SwarmCompose = { version: '3.8', services, networks };
  // Named volumes as the user declared them: Swarm creates `<stack>_<name>` on first deploy and
  // keeps it across updates, rollbacks and `docker stack rm` (the data outlives the tasks).
  const userVolumes = readVolumes(stack);
  if (Object.keys(userVolumes).length > 0) out.volumes = userVolumes;
  const secrets = renderSources(stack, 'secrets', opts, readFile);
  const configs = renderSources(stack, 'configs', opts, readFile);
  if (Object.keys(secrets).length > 0) out.secrets = secrets;
  if (Object.keys(configs).length > 0) out.configs = configs;
  return out;
}
