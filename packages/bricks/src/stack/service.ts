// One service: checks its Compose keys and `x-bricks`, and normalizes it into the model's
// Service. depends_on targets are checked later, across services (graph.ts).
import { isAbsolute, resolve } from 'node:path';
import { BRICKS_SERVICE_KEYS, DEPENDS_ON_KEYS, DEPLOY_KEYS, RESTART_POLICY_KEYS, SERVICE_KEYS, UPDATE_CONFIG_KEYS } from './known-keys.ts';
import { readEnvFiles, readEnvironment } from './env.ts';
import type { EnvContext } from './env.ts';
import { normalizeHealth, readBricksHealth, readHealthcheck } from './health.ts';
import type { BricksHealthSpec, HealthcheckSpec } from './health.ts';
import type { Command, DependsOnCondition, Service } from './model.ts';
import { childPath, describe, itemPath, toPlain } from './node.ts';
import type { MapNode, Node, Pos } from './node.ts';
import type { Reader } from './read.ts';
import { normalizeRestart, parseRestart } from './restart.ts';
import type { RestartPolicySpec, RestartSpec } from './restart.ts';
import { splitShellWords } from './shell-words.ts';

/** Compose's and Docker's default time between SIGTERM and SIGKILL. */
export const DEFAULT_STOP_GRACE_MS = 10_000;
/** What a service listens on when x-bricks.port is not given; a common HTTP default. */
export const DEFAULT_PORT = 8080;

/** A depends_on entry with where it was written, for the cross-service checks. */
export interface DependencyRef {
  readonly service: string;
  readonly condition: DependsOnCondition;
  /** `required: false`: a missing target is only a warning. */
  readonly required: boolean;
  readonly pos: Pos;
  readonly path: string;
}

export interface ServiceDraft {
  /** dependsOn is filled in once the targets are checked. */
  readonly service: Omit<Service, 'dependsOn'>;
  readonly deps: readonly DependencyRef[];
}

/** Shapes of Compose keys bricks does not interpret but still type-checks (schema types). */
const SHAPES: Readonly<Record<string, 'string' | 'list' | 'map' | 'list|map' | 'string|map'>> = {
  image: 'string',
  container_name: 'string',
  hostname: 'string',
  user: 'string',
  stop_signal: 'string',
  build: 'string|map',
  ports: 'list',
  expose: 'list',
  volumes: 'list',
  secrets: 'list',
  configs: 'list',
  profiles: 'list',
  labels: 'list|map',
  networks: 'list|map',
  extra_hosts: 'list|map',
  logging: 'map',
};

function checkShape(r: Reader, node: Node, path: string, shape: string): void {
  const ok =
    (shape.includes('string') && node.kind === 'scalar' && typeof node.value === 'string') ||
    (shape.includes('list') && node.kind === 'seq') ||
    (shape.includes('map') && node.kind === 'map');
  if (!ok) {
    const expected = shape.split('|').map((s) => (s === 'list' ? 'a list' : `a ${s}`)).join(' or ');
    r.problems.error('type', node.pos, path, `expected ${expected}, got ${describe(node)}`);
  }
}

function readArgv(r: Reader, node: Node, path: string): string[] | undefined {
  return r.strings(node, path);
}

function readRun(r: Reader, node: Node, path: string): Command | null | undefined {
  if (node.kind === 'scalar' && typeof node.value === 'string') {
    if (node.value.trim() !== '') return { kind: 'shell', script: node.value };
    r.problems.error('value', node.pos, path, 'x-bricks.run is empty; expected a shell script or an argv list');
    return undefined;
  }
  if (node.kind === 'seq') {
    const argv = readArgv(r, node, path);
    if (argv === undefined) return undefined;
    if (argv.length > 0) return { kind: 'argv', argv };
    r.problems.error('value', node.pos, path, 'x-bricks.run is an empty list; expected the program and its arguments');
    return undefined;
  }
  r.string(node, path, 'a shell script string or an argv list');
  return undefined;
}

function readCommand(r: Reader, node: Node, path: string): Command | null | undefined {
  if (node.kind === 'scalar' && node.value === null) return null;
  let argv: string[] | undefined;
  if (node.kind === 'scalar' && typeof node.value === 'string') {
    const split = splitShellWords(node.value);
    if (!split.ok) {
      r.problems.error('value', node.pos, path, split.message);
      return undefined;
    }
    argv = split.argv;
  } else if (node.kind === 'seq') {
    argv = readArgv(r, node, path);
  } else {
    r.string(node, path, 'a string or a list of strings');
  }
  if (argv === undefined) return undefined;
  return argv.length === 0 ? null : { kind: 'argv', argv };
}

function readDependsOn(r: Reader, node: Node, path: string): DependencyRef[] {
  const out: DependencyRef[] = [];
  if (node.kind === 'seq') {
    node.items.forEach((item, i) => {
      const p = itemPath(path, i);
      const name = r.string(item, p, 'a service name');
      if (name !== undefined) out.push({ service: name, condition: 'service_started', required: true, pos: item.pos, path: p });
    });
    return out;
  }
  const map = r.map(node, path, 'a list of service names or a map of service: { condition }');
  if (map === undefined) return out;
  for (const e of map.entries) {
    const p = childPath(path, e.key);
    let condition: DependsOnCondition = 'service_started';
    let required = true;
    const v = e.value;
    if (v.kind === 'map') {
      r.keys(v, p, DEPENDS_ON_KEYS, 'depends_on');
      for (const f of v.entries) {
        const fp = childPath(p, f.key);
        if (f.key === 'required') required = r.bool(f.value, fp) ?? true;
        else if (f.key === 'restart') r.bool(f.value, fp);
        else if (f.key === 'condition') {
          const c = r.oneOf(f.value, fp, ['service_started', 'service_healthy', 'service_completed_successfully']);
          if (c === 'service_completed_successfully') {
            // Accepted so Compose files keep loading; the local platform has no "run to
            // completion" services yet, so it can only wait for the start.
            r.problems.warn(
              'unsupported',
              f.value.pos,
              fp,
              'service_completed_successfully is not supported locally; treated as service_started',
            );
          } else if (c !== undefined) condition = c;
        }
      }
    } else if (!(v.kind === 'scalar' && v.value === null)) {
      r.problems.error('type', v.pos, p, `expected a map such as { condition: service_healthy }, got ${describe(v)}`);
      continue;
    }
    out.push({ service: e.key, condition, required, pos: e.keyPos, path: p });
  }
  return out;
}

interface DeploySpec {
  replicas?: number;
  global: boolean;
  restartPolicy?: RestartPolicySpec;
}

function readDeploy(r: Reader, node: Node, path: string): DeploySpec {
  const spec: DeploySpec = { global: false };
  const map = r.map(node, path);
  if (map === undefined) return spec;
  r.keys(map, path, DEPLOY_KEYS, 'deploy');
  for (const e of map.entries) {
    const p = childPath(path, e.key);
    switch (e.key) {
      case 'replicas':
        spec.replicas = r.int(e.value, p, 0);
        break;
      case 'mode':
        spec.global = r.oneOf(e.value, p, ['replicated', 'global', 'replicated-job', 'global-job'])?.startsWith('global') ?? false;
        break;
      case 'endpoint_mode':
        r.oneOf(e.value, p, ['vip', 'dnsrr']);
        break;
      case 'restart_policy':
        spec.restartPolicy = readRestartPolicy(r, e.value, p);
        break;
      case 'labels':
        checkShape(r, e.value, p, 'list|map');
        break;
      case 'update_config':
      case 'rollback_config':
        checkUpdateConfig(r, e.value, p, `deploy.${e.key}`);
        break;
      case 'resources':
      case 'placement':
        checkShape(r, e.value, p, 'map');
        break;
    }
  }
  return spec;
}

/** Kept in service.compose for the rolling-update code, but checked here so mistakes surface at load. */
function checkUpdateConfig(r: Reader, node: Node, path: string, where: string): void {
  const map = r.map(node, path);
  if (map === undefined) return;
  r.keys(map, path, UPDATE_CONFIG_KEYS, where);
  for (const e of map.entries) {
    const p = childPath(path, e.key);
    switch (e.key) {
      case 'parallelism':
        r.int(e.value, p, 0);
        break;
      case 'delay':
      case 'monitor':
        r.duration(e.value, p);
        break;
      case 'failure_action':
        r.oneOf(e.value, p, ['continue', 'rollback', 'pause']);
        break;
      case 'order':
        r.oneOf(e.value, p, ['stop-first', 'start-first']);
        break;
      case 'max_failure_ratio':
        if (!(e.value.kind === 'scalar' && typeof e.value.value === 'number' && e.value.value >= 0 && e.value.value <= 1)) {
          r.problems.error('value', e.value.pos, p, `expected a number from 0 to 1, got ${describe(e.value)}`);
        }
        break;
    }
  }
}

function readRestartPolicy(r: Reader, node: Node, path: string): RestartPolicySpec | undefined {
  const map = r.map(node, path);
  if (map === undefined) return undefined;
  r.keys(map, path, RESTART_POLICY_KEYS, 'deploy.restart_policy');
  const spec: RestartPolicySpec = {};
  for (const e of map.entries) {
    const p = childPath(path, e.key);
    if (e.key === 'condition') spec.condition = r.oneOf(e.value, p, ['none', 'on-failure', 'any']);
    else if (e.key === 'delay') spec.delayMs = r.duration(e.value, p);
    else if (e.key === 'window') spec.windowMs = r.duration(e.value, p);
    else if (e.key === 'max_attempts') spec.maxAttempts = r.int(e.value, p, 0);
  }
  return spec;
}

interface BricksSpec {
  run?: Command | null;
  port?: number;
  health?: BricksHealthSpec;
}

function readBricks(r: Reader, map: MapNode, path: string): BricksSpec {
  r.keys(map, path, BRICKS_SERVICE_KEYS, 'x-bricks', true);
  const spec: BricksSpec = {};
  for (const e of map.entries) {
    const p = childPath(path, e.key);
    switch (e.key) {
      case 'run':
        spec.run = readRun(r, e.value, p);
        break;
      case 'port':
        spec.port = r.int(e.value, p, 1, 65535);
        break;
      case 'health':
        spec.health = readBricksHealth(r, e.value, p);
        break;
      case 'group':
        r.string(e.value, p, 'a group name');
        break;
      // autoscale, resilience and update are read by the features that own them.
    }
  }
  return spec;
}

export function readService(ctx: EnvContext, name: string, node: Node, path: string): ServiceDraft | undefined {
  const r = ctx.reader;
  const map = r.map(node, path, 'a map of service settings');
  if (map === undefined) return undefined;
  r.keys(map, path, SERVICE_KEYS, `service "${name}"`);

  let command: Command | null | undefined;
  let fileEnv = new Map<string, string>();
  let env = new Map<string, string>();
  let workingDir = ctx.dir;
  let healthcheck: HealthcheckSpec | undefined;
  let deploy: DeploySpec = { global: false };
  let deployAt: Pos | undefined;
  let scale: number | undefined;
  let scaleAt: Pos | undefined;
  let restart: RestartSpec | undefined;
  let stopGraceMs = DEFAULT_STOP_GRACE_MS;
  let deps: DependencyRef[] = [];
  let bricks: BricksSpec = {};
  let bricksMap: MapNode | undefined;

  for (const e of map.entries) {
    const p = childPath(path, e.key);
    const v = e.value;
    switch (e.key) {
      case 'command':
        command = readCommand(r, v, p);
        break;
      case 'entrypoint':
        if (!(v.kind === 'scalar' && v.value === null)) {
          if (v.kind === 'seq') readArgv(r, v, p);
          else r.string(v, p, 'a string or a list of strings');
        }
        break;
      case 'env_file':
        fileEnv = readEnvFiles(ctx, v, p);
        break;
      case 'environment':
        env = readEnvironment(ctx, v, p);
        break;
      case 'working_dir': {
        const wd = r.string(v, p, 'a directory path');
        if (wd !== undefined) workingDir = isAbsolute(wd) ? wd : resolve(ctx.dir, wd);
        break;
      }
      case 'healthcheck':
        healthcheck = readHealthcheck(r, v, p);
        break;
      case 'deploy':
        deploy = readDeploy(r, v, p);
        deployAt = e.keyPos;
        break;
      case 'scale':
        scale = r.int(v, p, 0);
        scaleAt = v.pos;
        break;
      case 'restart': {
        const s = r.string(v, p, 'no, always, unless-stopped or on-failure[:max]');
        if (s === undefined) break;
        restart = parseRestart(s);
        if (restart === undefined) {
          r.problems.error('value', v.pos, p, `expected no, always, unless-stopped or on-failure[:max], got ${JSON.stringify(s)}`);
        }
        break;
      }
      case 'stop_grace_period':
        stopGraceMs = r.duration(v, p) ?? DEFAULT_STOP_GRACE_MS;
        break;
      case 'depends_on':
        deps = readDependsOn(r, v, p);
        break;
      case 'x-bricks':
        if (v.kind === 'scalar' && v.value === null) break;
        bricksMap = r.map(v, p, 'a map of bricks settings');
        if (bricksMap !== undefined) bricks = readBricks(r, bricksMap, p);
        break;
      case 'extends':
        r.problems.error('unsupported', e.keyPos, p, 'extends is not supported by bricks yet; share settings with YAML anchors (&name / <<: *name) instead');
        break;
      default: {
        const shape = SHAPES[e.key];
        if (shape !== undefined) checkShape(r, v, p, shape);
      }
    }
  }

  if (scale !== undefined && deploy.replicas !== undefined && scale !== deploy.replicas) {
    r.problems.error('value', scaleAt, childPath(path, 'scale'), `scale (${scale}) and deploy.replicas (${deploy.replicas}) disagree; set one of them`);
  }
  if (deploy.global && deploy.replicas !== undefined) {
    r.problems.error('value', deployAt, childPath(path, 'deploy.replicas'), 'deploy.replicas cannot be used with mode: global');
  }
  // mode: global means one replica per node; a laptop is one node.
  const replicas = deploy.global ? 1 : (deploy.replicas ?? scale ?? 1);

  return {
    service: {
      name,
      run: bricks.run !== undefined ? bricks.run : (command ?? null),
      environment: Object.fromEntries(new Map([...fileEnv, ...env])),
      workingDir,
      port: bricks.port ?? DEFAULT_PORT,
      replicas,
      restart: normalizeRestart(deploy.restartPolicy, restart),
      health: normalizeHealth(healthcheck, bricks.health),
      stopGracePeriodMs: stopGraceMs,
      compose: toPlain(map) as Record<string, unknown>,
      bricks: bricksMap === undefined ? {} : (toPlain(bricksMap) as Record<string, unknown>),
    },
    deps,
  };
}
