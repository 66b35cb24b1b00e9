// The normalized stack as a Compose document, what `bricks config` prints (as `docker compose
// config` does): variables interpolated, env_file folded into environment, every entry in its
// long form, durations written with their unit. Loading it again gives the same model.
import { formatDuration } from '@bricks/sdk/duration';
import { encodeAuth } from '@bricks/sdk/auth';
import { encodeResilience } from '@bricks/sdk/resilience';
import { defined, fileMountDoc, placementDoc, portDoc, resourcesDoc, restartPolicyDoc, timingDoc, updateConfigDoc, volumeMountDoc } from './compose-doc.ts';
import type { Doc } from './compose-doc.ts';
import type { AutoscaleSpec, Command, Deploy, Health, Probe, RestartPolicySpec, Service, Stack, ValueSource } from './model.ts';

export function stackToCompose(stack: Stack): Doc {
  const doc: Doc = { name: stack.name };
  const bricks = defined({
    base_port: stack.bricks.basePort,
    max_local_replicas: stack.bricks.maxLocalReplicas,
    auth: stack.bricks.auth === undefined ? undefined : (JSON.parse(encodeAuth(stack.bricks.auth)) as unknown),
  });
  if (Object.keys(bricks).length > 0) doc['x-bricks'] = bricks;
  doc['services'] = Object.fromEntries(Object.values(stack.services).map((s) => [s.name, serviceDoc(stack, s)]));
  const volumes = Object.entries(stack.volumes).map(([name, v]) => [name, defined({ name: v.name, external: v.external || undefined, driver: v.driver, driver_opts: v.driverOpts, labels: v.labels })]);
  if (volumes.length > 0) doc['volumes'] = Object.fromEntries(volumes);
  const networks = Object.entries(stack.networks).map(([name, n]) => [
    name,
    defined({ name: n.name, external: n.external || undefined, driver: n.driver, attachable: n.attachable, internal: n.internal, driver_opts: n.driverOpts, labels: n.labels }),
  ]);
  if (networks.length > 0) doc['networks'] = Object.fromEntries(networks);
  for (const kind of ['secrets', 'configs'] as const) {
    const entries = Object.entries(stack[kind]).map(([name, src]) => [name, sourceDoc(name, src, kind)]);
    if (entries.length > 0) doc[kind] = Object.fromEntries(entries);
  }
  return doc;
}

function serviceDoc(stack: Stack, s: Service): Doc {
  const out: Doc = { ...s.passthrough };
  if (s.image !== undefined) out['image'] = s.image;
  if (s.build !== undefined) out['build'] = s.build;
  if (s.command !== null) out['command'] = argv(s.command);
  if (Object.keys(s.environment).length > 0) out['environment'] = s.environment;
  if (s.workingDir !== stack.dir) out['working_dir'] = s.workingDir;
  const health = healthDocs(s.health);
  if (health.healthcheck !== undefined) out['healthcheck'] = health.healthcheck;
  const deploy = deployDoc(s.deploy, s.replicas, s.restart);
  if (Object.keys(deploy).length > 0) out['deploy'] = deploy;
  if (s.stopGracePeriodMs !== undefined) out['stop_grace_period'] = formatDuration(s.stopGracePeriodMs);
  if (s.stopSignal !== undefined) out['stop_signal'] = s.stopSignal;
  if (s.dependsOn.length > 0) out['depends_on'] = Object.fromEntries(s.dependsOn.map((d) => [d.service, { condition: d.condition }]));
  if (s.ports.length > 0) out['ports'] = s.ports.map(portDoc);
  if (s.volumes.length > 0) out['volumes'] = s.volumes.map(volumeMountDoc);
  if (s.secrets.length > 0) out['secrets'] = s.secrets.map(fileMountDoc);
  if (s.configs.length > 0) out['configs'] = s.configs.map(fileMountDoc);
  // A map form (aliases, addresses) is kept whole in passthrough.
  if (s.networks.length > 0 && out['networks'] === undefined) out['networks'] = [...s.networks];
  const b = s.bricks;
  const bricks = defined({
    run: b.run === undefined ? undefined : b.run.kind === 'shell' ? b.run.script : [...b.run.argv],
    port: b.port,
    health: health.bricks,
    entry: b.entry,
    external: b.external,
    group: b.group,
    edge: b.edge,
    autoscale: b.autoscale === undefined ? undefined : autoscaleDoc(b.autoscale),
    resilience: b.resilience === undefined ? undefined : (JSON.parse(encodeResilience(b.resilience)) as unknown),
    update: b.readyTimeoutMs === undefined ? undefined : { ready_timeout: formatDuration(b.readyTimeoutMs) },
    auth: b.auth === undefined ? undefined : (JSON.parse(encodeAuth(b.auth)) as unknown),
    secret_rotation: b.secretRotation,
    backing: b.backing === undefined ? undefined : b.backing === false ? false : defined({ kind: b.backing.kind, local: b.backing.local, databases: b.backing.databases }),
    ambassador: b.ambassador === undefined ? undefined : defined({
      url: b.ambassador.url,
      timeout: b.ambassador.timeoutMs === undefined ? undefined : formatDuration(b.ambassador.timeoutMs),
      retries: b.ambassador.retries,
      credential: b.ambassador.credential === undefined ? undefined : defined({ ...b.ambassador.credential }),
    }),
    gateway: b.gateway === undefined ? undefined : defined({ descriptors: b.gateway.descriptors, services: b.gateway.services === undefined ? undefined : [...b.gateway.services], policies: b.gateway.policies }),
  });
  if (Object.keys(bricks).length > 0) out['x-bricks'] = bricks;
  return out;
}

function autoscaleDoc(a: AutoscaleSpec): Doc {
  const d = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : formatDuration(ms));
  return defined({
    min: a.min,
    max: a.max,
    concurrency: a.concurrency,
    rps: a.rps,
    cpu: a.cpu,
    tolerance: a.tolerance,
    window: d(a.windowMs),
    panic_window: d(a.panicWindowMs),
    panic_threshold: a.panicThreshold,
    max_scale_up_rate: a.maxScaleUpRate,
    scale_down_delay: d(a.scaleDownDelayMs),
    idle: d(a.idleMs),
  });
}

function argv(c: Command): string[] {
  // `command` is an argv; a shell script only comes from x-bricks.run, which keeps its form.
  return c.kind === 'argv' ? [...c.argv] : ['/bin/sh', '-c', c.script];
}

/**
 * The health keys that give back the same probes: HTTP paths under x-bricks.health, a command
 * (or NONE) under healthcheck; the timing goes with x-bricks.health when it is there, since
 * its timing wins over healthcheck's.
 */
function healthDocs(h: Health): { healthcheck?: Doc; bricks?: Doc } {
  const http = defined({ ready: pathOf(h.readiness), live: pathOf(h.liveness) });
  const command = [h.readiness, h.liveness].find((p) => p.kind === 'exec' || p.kind === 'none');
  const timing = timingDoc(h.timing);
  const hasHttp = Object.keys(http).length > 0;
  const out: { healthcheck?: Doc; bricks?: Doc } = {};
  if (hasHttp) out.bricks = { ...http, ...timing };
  const test = command === undefined ? undefined : command.kind === 'none' ? { disable: true } : { test: testOf(command) };
  if (test !== undefined || (!hasHttp && Object.keys(timing).length > 0)) out.healthcheck = { ...test, ...(hasHttp ? {} : timing) };
  return out;
}

function pathOf(p: Probe): string | undefined {
  return p.kind === 'http' ? p.path : undefined;
}

function testOf(p: Extract<Probe, { kind: 'exec' }>): string[] {
  return p.command.kind === 'argv' ? ['CMD', ...p.command.argv] : ['CMD-SHELL', p.command.script];
}

function deployDoc(d: Deploy, replicas: number | undefined, restart: RestartPolicySpec): Doc {
  const restartPolicy = restartPolicyDoc(restart);
  return defined({
    mode: d.mode,
    replicas,
    endpoint_mode: d.endpointMode,
    update_config: d.updateConfig === undefined ? undefined : updateConfigDoc(d.updateConfig),
    rollback_config: d.rollbackConfig === undefined ? undefined : updateConfigDoc(d.rollbackConfig),
    restart_policy: Object.keys(restartPolicy).length > 0 ? restartPolicy : undefined,
    resources: d.resources === undefined ? undefined : resourcesDoc(d.resources),
    placement: d.placement === undefined ? undefined : placementDoc(d.placement),
    labels: d.labels,
  });
}

/** A secret's value is never printed: `bricks config` shows where it comes from, not what it is. */
export const REDACTED = '[redacted]';

function sourceDoc(name: string, src: ValueSource, kind: 'secrets' | 'configs'): Doc {
  switch (src.kind) {
    case 'file':
      return { file: src.path };
    case 'environment':
      return { environment: src.variable };
    case 'content':
      return { content: kind === 'secrets' ? REDACTED : src.content };
    case 'external':
      return src.name === name ? { external: true } : { external: true, name: src.name };
  }
}

