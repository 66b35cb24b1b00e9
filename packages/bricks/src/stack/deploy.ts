// A service's `deploy` section (Swarm's keys, which Kubernetes and the local platform read
// too) into the model's Deploy. Unset keys stay unset: each target fills in its own defaults.
import type { Deploy, DeployMode, Placement, ResourceSet, Resources, RestartPolicySpec, UpdateConfigSpec } from './model.ts';
import { childPath, describe } from './node.ts';
import type { Node } from './node.ts';
import type { Reader } from './read.ts';

export interface DeployRead {
  readonly deploy: Deploy;
  readonly replicas?: number;
  readonly restartPolicy?: RestartPolicySpec;
}

const MODES: readonly DeployMode[] = ['replicated', 'global', 'replicated-job', 'global-job'];

export function readDeploy(r: Reader, node: Node, path: string): DeployRead {
  if (node.kind === 'scalar' && node.value === null) return { deploy: {} };
  const map = r.map(node, path);
  if (map === undefined) return { deploy: {} };
  const deploy: { -readonly [K in keyof Deploy]: Deploy[K] } = {};
  let replicas: number | undefined;
  let restartPolicy: RestartPolicySpec | undefined;
  for (const e of map.entries) {
    const p = childPath(path, e.key);
    const v = e.value;
    switch (e.key) {
      case 'replicas':
        replicas = r.int(v, p, 0);
        break;
      case 'mode':
        deploy.mode = r.oneOf(v, p, MODES);
        break;
      case 'endpoint_mode':
        deploy.endpointMode = r.oneOf(v, p, ['vip', 'dnsrr']);
        break;
      case 'restart_policy':
        restartPolicy = readRestartPolicy(r, v, p);
        break;
      case 'update_config':
        deploy.updateConfig = readUpdateConfig(r, v, p);
        break;
      case 'rollback_config':
        deploy.rollbackConfig = readUpdateConfig(r, v, p);
        break;
      case 'resources':
        deploy.resources = readResources(r, v, p);
        break;
      case 'placement':
        deploy.placement = readPlacement(r, v, p);
        break;
      case 'labels':
        deploy.labels = r.stringMap(v, p);
        break;
      // Other keys are the schema's to check.
    }
  }
  return compact({ deploy: compact(deploy), replicas, restartPolicy });
}

function readUpdateConfig(r: Reader, node: Node, path: string): UpdateConfigSpec | undefined {
  const map = r.map(node, path);
  if (map === undefined) return undefined;
  const spec: { -readonly [K in keyof UpdateConfigSpec]: UpdateConfigSpec[K] } = {};
  for (const e of map.entries) {
    const p = childPath(path, e.key);
    switch (e.key) {
      case 'parallelism':
        spec.parallelism = r.int(e.value, p, 0);
        break;
      case 'delay':
        spec.delayMs = r.duration(e.value, p);
        break;
      case 'monitor':
        spec.monitorMs = r.duration(e.value, p);
        break;
      case 'failure_action':
        spec.failureAction = r.oneOf(e.value, p, ['continue', 'rollback', 'pause']);
        break;
      case 'order':
        spec.order = r.oneOf(e.value, p, ['stop-first', 'start-first']);
        break;
      case 'max_failure_ratio':
        spec.maxFailureRatio = r.number(e.value, p, 0, 1);
        break;
    }
  }
  return compact(spec);
}

export function readRestartPolicy(r: Reader, node: Node, path: string): RestartPolicySpec | undefined {
  const map = r.map(node, path);
  if (map === undefined) return undefined;
  const spec: { -readonly [K in keyof RestartPolicySpec]: RestartPolicySpec[K] } = {};
  for (const e of map.entries) {
    const p = childPath(path, e.key);
    if (e.key === 'condition') spec.condition = r.oneOf(e.value, p, ['none', 'on-failure', 'any']);
    else if (e.key === 'delay') spec.delayMs = r.duration(e.value, p);
    else if (e.key === 'window') spec.windowMs = r.duration(e.value, p);
    else if (e.key === 'max_attempts') {
      // 0 means unlimited in Swarm, which is what unset means here.
      const n = r.int(e.value, p, 0);
      if (n !== undefined && n > 0) spec.maxAttempts = n;
    }
  }
  return compact(spec);
}

function readResourceSet(r: Reader, node: Node, path: string): ResourceSet | undefined {
  const map = r.map(node, path);
  if (map === undefined) return undefined;
  const set: { -readonly [K in keyof ResourceSet]: ResourceSet[K] } = {};
  for (const e of map.entries) {
    const p = childPath(path, e.key);
    if (e.key === 'cpus') {
      const cpus = r.number(e.value, p, 0);
      if (cpus === 0) r.problems.error('value', e.value.pos, p, 'expected a number of cores above 0, got 0');
      else set.cpus = cpus;
    } else if (e.key === 'memory') set.memoryBytes = r.bytes(e.value, p);
    else if (e.key === 'pids') set.pids = r.int(e.value, p, -1);
  }
  return compact(set);
}

function readResources(r: Reader, node: Node, path: string): Resources | undefined {
  const map = r.map(node, path);
  if (map === undefined) return undefined;
  const out: { -readonly [K in keyof Resources]: Resources[K] } = {};
  for (const e of map.entries) {
    const p = childPath(path, e.key);
    if (e.key === 'limits') out.limits = readResourceSet(r, e.value, p);
    else if (e.key === 'reservations') out.reservations = readResourceSet(r, e.value, p);
  }
  return compact(out);
}

function readPlacement(r: Reader, node: Node, path: string): Placement | undefined {
  const map = r.map(node, path);
  if (map === undefined) return undefined;
  const out: { -readonly [K in keyof Placement]: Placement[K] } = {};
  for (const e of map.entries) {
    const p = childPath(path, e.key);
    if (e.key === 'constraints') out.constraints = r.strings(e.value, p);
    else if (e.key === 'max_replicas_per_node') out.maxReplicasPerNode = r.int(e.value, p, 0);
    else if (e.key === 'preferences') {
      if (e.value.kind !== 'seq') {
        r.problems.error('type', e.value.pos, p, `expected a list of { spread: ... }, got ${describe(e.value)}`);
        continue;
      }
      const spreads: string[] = [];
      e.value.items.forEach((item, i) => {
        const ip = `${p}[${i}]`;
        const m = r.map(item, ip, 'a map such as { spread: node.labels.zone }');
        const spread = m?.entries.find((x) => x.key === 'spread');
        if (spread !== undefined) {
          const s = r.string(spread.value, childPath(ip, 'spread'));
          if (s !== undefined) spreads.push(s);
        }
      });
      out.preferences = spreads;
    }
  }
  return compact(out);
}

/** Drops keys whose reading failed (undefined), so "unset" has one spelling. */
export function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
