// A release as a Swarm stack file (Compose v3.8 for `docker stack deploy`). Nothing in a
// service's spec depends on the SHA unless its image does: then an unchanged service has an
// unchanged spec, and Swarm leaves its tasks alone.
import { createHash } from 'node:crypto';
import { formatDuration } from '@bricks/sdk/duration';
import { readFileSync } from 'node:fs';
import { REPLICA_VARIABLE, STACK_VARIABLE } from '@bricks/sdk/platform-env';
import { encodePolicy, swarmAutoscale } from './autoscaler/policy.ts';
import { DOCKER_SOCKET } from './autoscaler/swarm-api.ts';
import {
  defined, fileMountDoc, placementDoc, portDoc, resourcesDoc, restartPolicyDoc, timingDoc, updateConfigDoc, volumeMountDoc,
} from '../../stack/compose-doc.ts';
import type { Service, Stack } from '../../stack/model.ts';
import { engineReplicas, engineStopGraceMs, engineUpdate } from '../engine-defaults.ts';
import { TargetError } from '../errors.ts';
import { autoscaleOf, imageSource, isEdge, servesMetrics } from '../service-shape.ts';
import { METRICS_PATH } from '../../observability/scrape-labels.ts';
import { servicePort } from '../../stack/service-port.ts';
import { SWARM_LABELS } from './labels.ts';
import { readSourceValue } from '../source-value.ts';
import { replicaEnvironment } from '../naming.ts';
import { argvOf } from '../kubernetes/probes.ts';
import { swarmHealthcheck } from './healthcheck.ts';
import { AMBASSADOR_FILE, AMBASSADOR_MOUNT, AMBASSADOR_SOURCE, ambassadorCommand } from '../ambassador.ts';
import { INITDB_MOUNT, initdbScript, initdbSource } from '../backing-init.ts';

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
  /** The Swarm autoscaler's image (autoscaler/image.ts): needed when a service autoscales. */
  readonly autoscalerImage?: string;
  /**
   * Replicas autoscaled services run now (from the engine): a redeploy keeps them, within the
   * bounds, instead of resetting every autoscaled service to its floor.
   */
  readonly currentReplicas?: Readonly<Record<string, number>>;
}

/** The service bricks adds to a stack that autoscales. */
export const AUTOSCALER_SERVICE = 'bricks-autoscaler';

/** A Docker stack name: `[a-z0-9][a-z0-9_.-]*`. */
export function swarmStackName(stack: Stack): string {
  const s = stack.name.toLowerCase().replace(/[^a-z0-9_.-]+/g, '-').replace(/^[^a-z0-9]+/, '');
  return s === '' ? 'bricks' : s;
}


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
  for (const [name, src] of Object.entries(stack[kind])) {
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

/**
 * Restarts when the stack says nothing: at once and on any exit, as locally (Swarm's own 5 s
 * delay would leave a crashed task's DNS entry empty for that long); a run of 10 s counts as
 * a success again (Compose `window`).
 */
export const SWARM_RESTART = { condition: 'any', delayMs: 100, windowMs: 10_000 } as const;

function renderDeploy(service: Service, current: number | undefined): { deploy: Record<string, unknown>; global: boolean } {
  const d = service.deploy;
  const edge = isEdge(service);
  const autoscale = autoscaleOf(service);
  // A port published in host mode can be bound by one task per node: such a service runs one
  // task on every node (global), unless the stack chose a mode itself (say, with placement
  // limits on a multi-node swarm). And its update must stop the old task before starting the new.
  const hostPorts = service.ports.some((p) => p.published !== undefined);
  const global = d.mode === 'global' || (hostPorts && d.mode === undefined);
  const update = hostPorts ? { ...engineUpdate(service), order: 'stop-first' as const } : engineUpdate(service);
  // Nothing on Swarm wakes a service from zero (policy.ts): run the floor, at least one; on a
  // redeploy, what the autoscaler has set, within the bounds.
  const floor = autoscale ? Math.max(1, autoscale.min, engineReplicas(service)) : engineReplicas(service);
  const replicas = autoscale && current !== undefined ? Math.min(autoscale.max, Math.max(floor, current)) : floor;
  const r = service.restart;
  const deploy = defined({
    ...(global ? { mode: 'global' } : { replicas }),
    // SDK clients balance over DNS A records themselves; the edge keeps a VIP unless told otherwise.
    endpoint_mode: edge ? (d.endpointMode ?? 'vip') : 'dnsrr',
    update_config: updateConfigDoc(update),
    restart_policy: restartPolicyDoc({
      condition: r.condition ?? SWARM_RESTART.condition,
      delayMs: r.delayMs ?? SWARM_RESTART.delayMs,
      windowMs: r.windowMs ?? SWARM_RESTART.windowMs,
      ...(r.maxAttempts === undefined ? {} : { maxAttempts: r.maxAttempts }),
    }),
    resources: d.resources === undefined ? undefined : resourcesDoc(d.resources),
    placement: d.placement === undefined ? undefined : placementDoc(d.placement),
    rollback_config: d.rollbackConfig === undefined ? undefined : updateConfigDoc(d.rollbackConfig),
  });
  return { deploy, global };
}

/** For an image bricks did not build: its own HEALTHCHECK, with the stack's timing, or none at all. */
function externalHealthcheck(service: Service): Record<string, unknown> | undefined {
  const h = service.health;
  if (h.readiness.kind === 'none' && h.liveness.kind === 'none') return { disable: true };
  // Without start_interval: Swarm's compose loader (3.8) does not read it.
  const { start_interval: _startInterval, ...timing } = timingDoc(h.timing);
  return Object.keys(timing).length > 0 ? timing : undefined;
}

/** Compose keys bricks does not interpret that Swarm honours, passed on as written. */
const PASSED_ON = ['user', 'hostname', 'init', 'ulimits', 'sysctls', 'cap_add', 'cap_drop', 'logging'] as const;

/** The tag of an image reference (`reg:5000/team/arcade-catalog:abc` → `abc`), or '' without one. */
function tagOf(image: string): string {
  const at = image.split('@')[0] ?? image;
  const colon = at.lastIndexOf(':');
  return colon > at.lastIndexOf('/') ? at.slice(colon + 1) : '';
}

/** The Swarm network a service's tasks are reached on: the stack's default, or its first own. */
function metricsNetwork(stack: Stack, service: Service): string {
  const first = service.networks[0];
  if (first === undefined) return `${swarmStackName(stack)}_default`;
  const n = stack.networks[first];
  // An external network, or one given a `name:`, is called that; the others get the stack's prefix.
  return n?.name ?? (n?.external === true ? first : `${swarmStackName(stack)}_${first}`);
}

/** bricks' service labels (labels.ts): who it is, where its metrics are. The stack's own win nowhere: these are bricks' contract. */
function bricksLabels(stack: Stack, service: Service, image: string): Record<string, string> {
  const labels: Record<string, string> = {
    [SWARM_LABELS.stack]: stack.name,
    [SWARM_LABELS.service]: service.name,
    [SWARM_LABELS.version]: tagOf(image),
  };
  if (servesMetrics(service)) {
    labels[SWARM_LABELS.metricsPort] = String(servicePort(service));
    labels[SWARM_LABELS.metricsPath] = METRICS_PATH;
    labels[SWARM_LABELS.metricsNetwork] = metricsNetwork(stack, service);
  }
  return labels;
}

function renderService(stack: Stack, service: Service, image: string, current: number | undefined): Record<string, unknown> {
  const { deploy, global } = renderDeploy(service, current);
  const autoscale = global ? null : swarmAutoscale(service);
  deploy['labels'] = {
    ...service.deploy.labels,
    ...bricksLabels(stack, service, image),
    ...(autoscale ? { [SWARM_LABELS.autoscale]: encodePolicy(autoscale.policy) } : {}),
  };
  const out: Record<string, unknown> = {
    image,
    environment: {
      ...replicaEnvironment(stack, service, 'swarm', (other) => other.name),
      // Which replica this is, as locally (`analytics.2`): Swarm fills the template in per task.
      // A global service's tasks have no slot, so they are named by node.
      [REPLICA_VARIABLE]: `${service.name}.${global ? '{{.Node.Hostname}}' : '{{.Task.Slot}}'}`,
    },
    deploy,
    stop_grace_period: formatDuration(engineStopGraceMs(service)),
  };
  const src = imageSource(service);
  if (src.kind === 'external' && service.command !== null) out['command'] = argvOf(service.command);
  // A tiny init as PID 1 forwards SIGTERM to node, which as PID 1 itself would ignore it and
  // hold its host port until the grace period runs out.
  if (src.kind === 'built') out['init'] = true;
  const health = swarmHealthcheck(service) ?? (src.kind === 'external' ? externalHealthcheck(service) : undefined);
  if (health) out['healthcheck'] = health;
  if (service.stopSignal !== undefined) out['stop_signal'] = service.stopSignal;
  // The ingress routing mesh is not used: ports are bound on the node that runs the task.
  const ports = service.ports.map((p) => portDoc({ target: p.target, protocol: p.protocol, mode: 'host', ...(p.published === undefined ? {} : { published: p.published }) }));
  if (ports.length > 0) out['ports'] = ports;
  // The map form (aliases, addresses) is passed on whole.
  const networks = service.passthrough['networks'] ?? (service.networks.length > 0 ? [...service.networks] : undefined);
  if (networks !== undefined) out['networks'] = networks;
  if (service.secrets.length > 0) out['secrets'] = service.secrets.map(fileMountDoc);
  if (service.configs.length > 0) out['configs'] = service.configs.map(fileMountDoc);
  // An ambassador runs bricks' forwarder, mounted as a config, on the Node of its image.
  const forwarder = ambassadorCommand(service);
  if (forwarder !== null) {
    out['command'] = forwarder;
    out['configs'] = [...((out['configs'] as unknown[] | undefined) ?? []), { source: AMBASSADOR_SOURCE, target: AMBASSADOR_MOUNT, mode: 0o444 }];
  }
  // A backing service's further databases: a file the image runs on its first start.
  if (initdbScript(service) !== null) {
    out['configs'] = [...((out['configs'] as unknown[] | undefined) ?? []), { source: initdbSource(service), target: INITDB_MOUNT, mode: 0o444 }];
  }
  if (service.volumes.length > 0) out['volumes'] = service.volumes.map(volumeMountDoc);
  for (const key of PASSED_ON) if (service.passthrough[key] !== undefined) out[key] = service.passthrough[key];
  return out;
}

/**
 * The stack's autoscaler (autoscaler/main.ts): one task on a manager, where the Engine API is,
 * through its socket; on the networks of the services it scales, to read their tasks' /metrics.
 */
function autoscalerService(stack: Stack, autoscaled: readonly Service[], image: string | undefined): Record<string, unknown> {
  if (stack.services[AUTOSCALER_SERVICE] !== undefined) {
    throw new TargetError('invalid-stack', `services.${AUTOSCALER_SERVICE}: the name is bricks' own on Swarm (the stack's autoscaler); rename the service`);
  }
  if (image === undefined) {
    throw new TargetError('invalid-stack', `services.${autoscaled[0]?.name ?? '?'}: x-bricks.autoscale on Swarm needs the autoscaler's image (buildAutoscalerImage)`);
  }
  const networks = [...new Set(autoscaled.map((s) => s.networks[0] ?? 'default'))];
  return {
    image,
    environment: { [STACK_VARIABLE]: stack.name },
    init: true,
    stop_grace_period: '2s',
    volumes: [{ type: 'bind', source: DOCKER_SOCKET, target: DOCKER_SOCKET }],
    networks,
    deploy: {
      replicas: 1,
      // Only a manager answers the Engine API's service calls.
      placement: { constraints: ['node.role == manager'] },
      restart_policy: { condition: 'any', delay: '1s' },
      labels: { [SWARM_LABELS.stack]: stack.name, [SWARM_LABELS.service]: AUTOSCALER_SERVICE },
    },
  };
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
    services[service.name] = renderService(stack, service, image, opts.currentReplicas?.[service.name]);
  }
  const autoscaled = Object.values(stack.services).filter((s) => {
    const labels = (services[s.name]?.['deploy'] as { labels?: Record<string, string> } | undefined)?.labels;
    return labels?.[SWARM_LABELS.autoscale] !== undefined;
  });
  if (autoscaled.length > 0) services[AUTOSCALER_SERVICE] = autoscalerService(stack, autoscaled, opts.autoscalerImage);
  const networks: SwarmCompose['networks'] = { default: { driver: 'overlay', attachable: true } };
  for (const [name, n] of Object.entries(stack.networks)) {
    const def = defined({ name: n.name, driver: n.driver, attachable: n.attachable, internal: n.internal, driver_opts: n.driverOpts, labels: n.labels });
    networks[name] = n.external ? { ...def, external: true } : { ...def, driver: n.driver ?? 'overlay' };
  }
  const out: SwarmCompose = { version: '3.8', services, networks };
  // Named volumes as the user declared them: Swarm creates `<stack>_<name>` on first deploy and
  // keeps it across updates, rollbacks and `docker stack rm` (the data outlives the tasks).
  const volumes = Object.entries(stack.volumes).map(([name, v]) => [name, defined({ name: v.name, external: v.external || undefined, driver: v.driver, driver_opts: v.driverOpts, labels: v.labels })]);
  if (volumes.length > 0) out.volumes = Object.fromEntries(volumes) as Record<string, Record<string, unknown>>;
  const secrets = renderSources(stack, 'secrets', opts, readFile);
  const configs = renderSources(stack, 'configs', opts, readFile);
  if (Object.values(stack.services).some((x) => x.bricks.ambassador !== undefined)) {
    configs[AMBASSADOR_SOURCE] = { file: AMBASSADOR_FILE, name: `${swarmStackName(stack)}_${AMBASSADOR_SOURCE}_${hash8(readFile(AMBASSADOR_FILE))}` };
  }
  for (const service of Object.values(stack.services)) {
    const script = initdbScript(service);
    if (script === null) continue;
    const name = initdbSource(service);
    const value = Buffer.from(script, 'utf8');
    if (!opts.materialize) throw new TargetError('invalid-stack', `services.${service.name}: x-bricks.backing.databases needs a place to write its init file`);
    configs[name] = { file: opts.materialize({ kind: 'configs', name, value }), name: `${swarmStackName(stack)}_${name}_${hash8(value)}` };
  }
  if (Object.keys(secrets).length > 0) out.secrets = secrets;
  if (Object.keys(configs).length > 0) out.configs = configs;
  return out;
}
