// One service: reads the Compose keys bricks interprets and its `x-bricks`, into the model's
// Service. The Compose schema has already checked every key's name and type; these readers
// check what it cannot (ranges, durations, paths) and keep the rest for the engine targets.
// depends_on and the names a service refers to are checked later, across services.
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { readBackingSpec } from './backing.ts';
import { readBricksService } from './bricks-keys.ts';
import type { GatewayRead } from './gateway.ts';
import { readDeploy } from './deploy.ts';
import type { DeployRead } from './deploy.ts';
import { readEnvFiles, readEnvironment } from './env.ts';
import type { EnvContext } from './env.ts';
import { normalizeHealth, readHealthcheck } from './health.ts';
import type { HealthcheckSpec } from './health.ts';
import type { BricksHealthSpec } from './health.ts';
import type { BricksServiceKeys, Command, GatewaySpec, DependsOnCondition, FileMount, PortMapping, RestartPolicySpec, Service, VolumeMount } from './model.ts';
import { readFileMounts, readVolumeMounts } from './mounts.ts';
import { childPath, describe, itemPath, toPlain } from './node.ts';
import type { Node, Pos } from './node.ts';
import { readPorts } from './ports.ts';
import type { Reader } from './read.ts';
import { parseRestart, restartSpec } from './restart.ts';
import { splitShellWords } from './shell-words.ts';

/** A depends_on entry with where it was written, for the cross-service checks. */
export interface DependencyRef {
  readonly service: string;
  readonly condition: DependsOnCondition;
  /** `required: false`: a missing target is only a warning. */
  readonly required: boolean;
  readonly pos: Pos;
  readonly path: string;
}

/** A name a service refers to (a secret, config, volume or network), with where it was written. */
export interface NameRef {
  readonly kind: 'secrets' | 'configs' | 'volumes' | 'networks';
  readonly name: string;
  readonly pos: Pos;
  readonly path: string;
}

export interface ServiceDraft {
  /** dependsOn is filled in once the targets are checked. */
  readonly service: Omit<Service, 'dependsOn'>;
  readonly deps: readonly DependencyRef[];
  readonly refs: readonly NameRef[];
}

/** Keys the model reads: everything else a service says is passed through to engine targets. */
const INTERPRETED = new Set([
  'command', 'entrypoint', 'env_file', 'environment', 'working_dir', 'image', 'build', 'healthcheck', 'deploy', 'scale',
  'restart', 'stop_grace_period', 'stop_signal', 'depends_on', 'ports', 'volumes', 'secrets', 'configs', 'networks', 'x-bricks',
]);

/** What bricks' gateway program answers for readiness and liveness (gateway/program/server.ts). */
const GATEWAY_READY_PATH = '/readyz';
const GATEWAY_LIVE_PATH = '/healthz';

/**
 * x-bricks.gateway in its service: the descriptor set's path resolved against the project
 * directory and present, and nothing else that would say what the service runs.
 */
function readGatewayService(
  ctx: EnvContext,
  g: GatewayRead,
  s: { readonly path: string; readonly at: Pos; readonly run: boolean; readonly backing: boolean; readonly ambassador: boolean },
): GatewaySpec | undefined {
  const r = ctx.reader;
  const gp = childPath(s.path, 'x-bricks.gateway');
  const clash = s.run ? 'x-bricks.run' : s.backing ? 'a backing service' : s.ambassador ? 'x-bricks.ambassador' : undefined;
  if (clash !== undefined) {
    r.problems.error('value', s.at, gp, `a gateway runs bricks' gateway program, so it cannot also be ${clash === 'a backing service' ? clash : `given ${clash}`}`);
    return undefined;
  }
  const file = isAbsolute(g.spec.descriptors) ? g.spec.descriptors : resolve(ctx.dir, g.spec.descriptors);
  if (!existsSync(file)) {
    r.problems.error('missing-file', g.descriptorsAt, childPath(gp, 'descriptors'), `${file} does not exist; write it with buf build -o ${g.spec.descriptors} (or bricks gen)`);
    return undefined;
  }
  return { ...g.spec, descriptors: file };
}

function definedKeys<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
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
    argv = r.strings(node, path);
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
      for (const f of v.entries) {
        const fp = childPath(p, f.key);
        if (f.key === 'required') required = r.bool(f.value, fp) ?? true;
        else if (f.key === 'restart') r.bool(f.value, fp);
        else if (f.key === 'condition') {
          const c = r.oneOf(f.value, fp, ['service_started', 'service_healthy', 'service_completed_successfully']);
          if (c === 'service_completed_successfully') {
            // Accepted so Compose files keep loading; the local platform has no "run to
            // completion" services yet, so it can only wait for the start.
            r.problems.warn('unsupported', f.value.pos, fp, 'service_completed_successfully is not supported locally; treated as service_started');
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

/** The names a service's `networks:` joins (list form, or the keys of the map form). */
function readServiceNetworks(r: Reader, node: Node, path: string, refs: NameRef[]): string[] {
  const names: { name: string; pos: Pos; path: string }[] = [];
  if (node.kind === 'seq') {
    node.items.forEach((item, i) => {
      const p = itemPath(path, i);
      const n = r.string(item, p, 'a network name');
      if (n !== undefined) names.push({ name: n, pos: item.pos, path: p });
    });
  } else if (node.kind === 'map') {
    for (const e of node.entries) names.push({ name: e.key, pos: e.keyPos, path: childPath(path, e.key) });
  }
  for (const n of names) refs.push({ kind: 'networks', ...n });
  return names.map((n) => n.name);
}

export function readService(ctx: EnvContext, name: string, node: Node, path: string): ServiceDraft | undefined {
  const r = ctx.reader;
  const map = r.map(node, path, 'a map of service settings');
  if (map === undefined) return undefined;

  let command: Command | null | undefined;
  let fileEnv = new Map<string, string>();
  let env = new Map<string, string>();
  let workingDir = ctx.dir;
  let image: string | undefined;
  let build: Record<string, unknown> | undefined;
  let healthcheck: HealthcheckSpec | undefined;
  let deploy: DeployRead = { deploy: {} };
  let deployAt: Pos | undefined;
  let scale: number | undefined;
  let scaleAt: Pos | undefined;
  let restart: RestartPolicySpec | undefined;
  let stopGracePeriodMs: number | undefined;
  let stopSignal: string | undefined;
  let deps: DependencyRef[] = [];
  let ports: PortMapping[] = [];
  let volumes: VolumeMount[] = [];
  let secrets: FileMount[] = [];
  let configs: FileMount[] = [];
  let networks: string[] = [];
  const refs: NameRef[] = [];
  let bricks: BricksServiceKeys = {};
  let bricksHealth: BricksHealthSpec | undefined;
  let gatewayRead: GatewayRead | undefined;
  let environmentAt: Pos | undefined;
  const passthrough: Record<string, unknown> = {};

  for (const e of map.entries) {
    const p = childPath(path, e.key);
    const v = e.value;
    if (!INTERPRETED.has(e.key)) {
      passthrough[e.key] = toPlain(v);
      if (e.key === 'extends') r.problems.error('unsupported', e.keyPos, p, 'extends is not supported by bricks yet; share settings with YAML anchors (&name / <<: *name) instead');
      continue;
    }
    switch (e.key) {
      case 'command':
        command = readCommand(r, v, p);
        break;
      case 'entrypoint':
        if (!(v.kind === 'scalar' && v.value === null)) {
          if (v.kind === 'seq') r.strings(v, p);
          else r.string(v, p, 'a string or a list of strings');
        }
        // Engines run an image's entrypoint; bricks runs `run`/`command` locally.
        passthrough[e.key] = toPlain(v);
        break;
      case 'env_file':
        fileEnv = readEnvFiles(ctx, v, p);
        break;
      case 'environment':
        env = readEnvironment(ctx, v, p);
        environmentAt = e.keyPos;
        break;
      case 'working_dir': {
        const wd = r.string(v, p, 'a directory path');
        if (wd !== undefined) workingDir = isAbsolute(wd) ? wd : resolve(ctx.dir, wd);
        break;
      }
      case 'image':
        image = r.string(v, p, 'an image reference such as node:20');
        break;
      case 'build': {
        const b = toPlain(v);
        if (typeof b === 'string') build = { context: b };
        else if (typeof b === 'object' && b !== null && !Array.isArray(b)) build = b as Record<string, unknown>;
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
        if (restart === undefined) r.problems.error('value', v.pos, p, `expected no, always, unless-stopped or on-failure[:max], got ${JSON.stringify(s)}`);
        break;
      }
      case 'stop_grace_period':
        stopGracePeriodMs = r.duration(v, p);
        break;
      case 'stop_signal':
        stopSignal = r.string(v, p, 'a signal name such as SIGTERM');
        break;
      case 'depends_on':
        deps = readDependsOn(r, v, p);
        break;
      case 'ports':
        ports = readPorts(r, v, p);
        break;
      case 'volumes': {
        const read = readVolumeMounts(r, v, p, ctx.dir);
        volumes = read.map((m) => m.value);
        for (const m of read) if (m.value.type === 'volume' && m.value.source !== undefined) refs.push({ kind: 'volumes', name: m.value.source, pos: m.pos, path: m.path });
        break;
      }
      case 'secrets':
      case 'configs': {
        const read = readFileMounts(r, v, p, e.key);
        if (e.key === 'secrets') secrets = read.map((m) => m.value);
        else configs = read.map((m) => m.value);
        for (const m of read) refs.push({ kind: e.key, name: m.value.source, pos: m.pos, path: m.path });
        break;
      }
      case 'networks':
        networks = readServiceNetworks(r, v, p, refs);
        // Aliases and addresses are the engine's business.
        if (v.kind === 'map') passthrough[e.key] = toPlain(v);
        break;
      case 'x-bricks': {
        if (v.kind === 'scalar' && v.value === null) break;
        const bm = r.map(v, p, 'a map of bricks settings');
        if (bm === undefined) break;
        const read = readBricksService(r, bm, p);
        bricks = read.keys;
        bricksHealth = read.health;
        gatewayRead = read.gateway;
        break;
      }
    }
  }

  if (scale !== undefined && deploy.replicas !== undefined && scale !== deploy.replicas) {
    r.problems.error('value', scaleAt, childPath(path, 'scale'), `scale (${scale}) and deploy.replicas (${deploy.replicas}) disagree; set one of them`);
  }
  const global = deploy.deploy.mode === 'global' || deploy.deploy.mode === 'global-job';
  if (global && deploy.replicas !== undefined) {
    r.problems.error('value', deployAt, childPath(path, 'deploy.replicas'), 'deploy.replicas cannot be used with mode: global');
  }
  const replicas = deploy.replicas ?? scale;
  const environment = Object.fromEntries(new Map([...fileEnv, ...env]));
  const backing = readBackingSpec({ name, path, image, key: bricks.backing, environment, environmentAt, secrets }, r.problems);
  const credential = bricks.ambassador?.credential;
  if (credential !== undefined && !secrets.some((m) => m.source === credential.secret)) {
    r.problems.error('reference', map.pos, childPath(path, 'x-bricks.ambassador.credential.secret'), `${credential.secret} is not one of ${name}'s secrets: list it under secrets: so the ambassador gets its file`);
  }
  if (bricks.ambassador !== undefined && backing !== undefined) r.problems.error('value', map.pos, childPath(path, 'x-bricks.ambassador'), 'a service is an ambassador or a backing service, not both');
  if (gatewayRead !== undefined) {
    const gateway = readGatewayService(ctx, gatewayRead, { path, at: map.pos, run: bricks.run !== undefined, backing: backing !== undefined, ambassador: bricks.ambassador !== undefined });
    if (gateway !== undefined) {
      bricks = { ...bricks, gateway };
      // The program answers these (gateway/program/server.ts) on every target.
      bricksHealth = { ready: GATEWAY_READY_PATH, live: GATEWAY_LIVE_PATH, ...definedKeys(bricksHealth ?? {}) };
    }
  }

  return {
    service: {
      name,
      run: bricks.run ?? command ?? null,
      command: command ?? null,
      environment,
      workingDir,
      ...(image === undefined ? {} : { image }),
      ...(build === undefined ? {} : { build }),
      ...(replicas === undefined ? {} : { replicas }),
      deploy: deploy.deploy,
      health: normalizeHealth(healthcheck, bricksHealth),
      restart: restartSpec(deploy.restartPolicy, restart),
      ...(stopGracePeriodMs === undefined ? {} : { stopGracePeriodMs }),
      ...(stopSignal === undefined ? {} : { stopSignal }),
      ports,
      volumes,
      secrets,
      configs,
      networks,
      bricks,
      ...(backing === undefined ? {} : { backing }),
      passthrough,
    },
    deps,
    refs,
  };
}
