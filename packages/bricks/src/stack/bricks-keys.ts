// bricks' own keys: a service's `x-bricks` and the top-level `x-bricks`. The Compose schema
// allows any `x-*` map, so every key here is checked by bricks, and an unknown one is an error
// that lists the known ones.
import { authSchema, needsUser } from '@bricks/sdk/auth';
import { resilienceSchema } from '@bricks/sdk/resilience';
import type { z } from 'zod';
import type { AmbassadorSpec, AuthSpec, AutoscaleSpec, BackingKey, BricksServiceKeys, BricksStackKeys, Command } from './model.ts';
import { compact } from './deploy.ts';
import { readGateway } from './gateway.ts';
import type { GatewayRead } from './gateway.ts';
import { readBricksHealth } from './health.ts';
import type { BricksHealthSpec } from './health.ts';
import { childPath, describe, itemPath, nodeAt, pathOf, toPlain } from './node.ts';
import type { MapNode, Node } from './node.ts';
import type { Reader } from './read.ts';

/** The keys of a service's `x-bricks`. */
export const BRICKS_SERVICE_KEYS = ['run', 'port', 'health', 'entry', 'external', 'group', 'edge', 'autoscale', 'resilience', 'update', 'auth', 'secret_rotation', 'backing', 'ambassador', 'gateway'] as const;
/** The keys of the top-level `x-bricks`. */
export const BRICKS_TOP_KEYS = ['base_port', 'max_local_replicas', 'auth'] as const;
const SECRET_ROTATIONS = ['restart', 'in-place'] as const;
const AUTOSCALE_KEYS = ['min', 'max', 'concurrency', 'rps', 'cpu', 'tolerance', 'window', 'panic_window', 'panic_threshold', 'max_scale_up_rate', 'scale_down_delay', 'idle'] as const;
const UPDATE_KEYS = ['ready_timeout'] as const;
const BACKING_KINDS = ['postgres'] as const;
const BACKING_KEYS = ['kind', 'local', 'databases'] as const;
/**
 * A database name bricks accepts: what PostgreSQL takes unquoted without folding it (lower case,
 * digits, `_`; at most 63 bytes, its NAMEDATALEN - 1), so `CREATE DATABASE x`, a URL's path and
 * the `<NAME>_<DATABASE>_URL` variable all mean the same database.
 */
const DATABASE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const LOCAL_POSTGRES = ['embedded', 'system'] as const;
const AMBASSADOR_KEYS = ['url', 'timeout', 'retries', 'credential'] as const;
const CREDENTIAL_KEYS = ['header', 'secret', 'scheme'] as const;

export interface BricksServiceRead {
  readonly keys: BricksServiceKeys;
  readonly health: BricksHealthSpec | undefined;
  /** x-bricks.gateway with where its descriptors path is written (service.ts resolves and checks it). */
  readonly gateway: GatewayRead | undefined;
}

export function readBricksService(r: Reader, map: MapNode, path: string): BricksServiceRead {
  r.keys(map, path, BRICKS_SERVICE_KEYS, 'x-bricks', true);
  const keys: { -readonly [K in keyof BricksServiceKeys]: BricksServiceKeys[K] } = {};
  let health: BricksHealthSpec | undefined;
  let gateway: GatewayRead | undefined;
  for (const e of map.entries) {
    const p = childPath(path, e.key);
    const v = e.value;
    switch (e.key) {
      case 'run':
        keys.run = readRun(r, v, p);
        break;
      case 'port':
        keys.port = r.int(v, p, 1, 65535);
        break;
      case 'health':
        health = readBricksHealth(r, v, p);
        break;
      case 'entry':
        keys.entry = r.string(v, p, 'a module path such as src/main.ts');
        break;
      case 'external':
        keys.external = r.bool(v, p);
        break;
      case 'edge':
        keys.edge = r.bool(v, p);
        break;
      case 'group': {
        // An empty name (an unset variable) is no group.
        const g = r.string(v, p, 'a group name');
        if (g !== '') keys.group = g;
        break;
      }
      case 'autoscale':
        keys.autoscale = readAutoscale(r, v, p);
        break;
      case 'resilience':
        keys.resilience = readSdkKeys(r, v, p, resilienceSchema, 'x-bricks.resilience');
        break;
      case 'auth':
        keys.auth = readSdkKeys(r, v, p, authSchema, 'x-bricks.auth');
        break;
      case 'secret_rotation':
        keys.secretRotation = r.oneOf(v, p, SECRET_ROTATIONS);
        break;
      case 'backing':
        keys.backing = readBacking(r, v, p);
        break;
      case 'ambassador':
        keys.ambassador = readAmbassador(r, v, p);
        break;
      case 'gateway':
        gateway = readGateway(r, v, p);
        break;
      case 'update': {
        const m = r.map(v, p, 'a map such as { ready_timeout: 30s }');
        if (m === undefined) break;
        r.keys(m, p, UPDATE_KEYS, 'x-bricks.update', true);
        const t = m.entries.find((x) => x.key === 'ready_timeout');
        if (t !== undefined) keys.readyTimeoutMs = r.duration(t.value, childPath(p, 'ready_timeout'));
        break;
      }
    }
  }
  return { keys: compact(keys), health, gateway };
}

export function readBricksStack(r: Reader, node: Node, path: string): BricksStackKeys {
  const m = r.map(node, path, 'a map of bricks settings');
  if (m === undefined) return {};
  r.keys(m, path, BRICKS_TOP_KEYS, 'the top-level x-bricks', true);
  const out: { -readonly [K in keyof BricksStackKeys]: BricksStackKeys[K] } = {};
  for (const e of m.entries) {
    const p = childPath(path, e.key);
    if (e.key === 'base_port') out.basePort = r.int(e.value, p, 1, 65535);
    else if (e.key === 'max_local_replicas') out.maxLocalReplicas = r.int(e.value, p, 1);
    else if (e.key === 'auth') {
      out.auth = readSdkKeys(r, e.value, p, authSchema, 'the top-level x-bricks.auth');
      const methods = e.value.kind === 'map' ? e.value.entries.find((x) => x.key === 'methods') : undefined;
      if (methods !== undefined) r.problems.error('value', methods.keyPos, childPath(p, 'methods'), "rules are per service: put methods under the service's x-bricks.auth (the top level gives only issuer, audience, algorithms, clockSkew)");
    }
  }
  return compact(out);
}

function readRun(r: Reader, node: Node, path: string): Command | undefined {
  if (node.kind === 'scalar' && typeof node.value === 'string') {
    if (node.value.trim() !== '') return { kind: 'shell', script: node.value };
    r.problems.error('value', node.pos, path, 'x-bricks.run is empty; expected a shell script or an argv list');
    return undefined;
  }
  if (node.kind === 'seq') {
    const argv = r.strings(node, path);
    if (argv === undefined) return undefined;
    if (argv.length > 0) return { kind: 'argv', argv };
    r.problems.error('value', node.pos, path, 'x-bricks.run is an empty list; expected the program and its arguments');
    return undefined;
  }
  r.string(node, path, 'a shell script string or an argv list');
  return undefined;
}

/** `backing: postgres`, `backing: false`, or `backing: { kind: postgres, local: system, databases: [catalog, scores] }`. */
function readBacking(r: Reader, node: Node, path: string): BackingKey | undefined {
  if (node.kind === 'scalar' && node.value === false) return false;
  if (node.kind === 'scalar') {
    const kind = r.oneOf(node, path, BACKING_KINDS);
    return kind === undefined ? undefined : { kind };
  }
  const m = r.map(node, path, 'postgres, false, or a map such as { kind: postgres, local: system }');
  if (m === undefined) return undefined;
  r.keys(m, path, BACKING_KEYS, 'x-bricks.backing', true);
  const kindAt = m.entries.find((e) => e.key === 'kind');
  const localAt = m.entries.find((e) => e.key === 'local');
  const kind = kindAt === undefined ? 'postgres' : r.oneOf(kindAt.value, childPath(path, 'kind'), BACKING_KINDS);
  const local = localAt === undefined ? undefined : r.oneOf(localAt.value, childPath(path, 'local'), LOCAL_POSTGRES);
  const databasesAt = m.entries.find((e) => e.key === 'databases');
  const databases = databasesAt === undefined ? undefined : readDatabases(r, databasesAt.value, childPath(path, 'databases'));
  if (kind === undefined || (localAt !== undefined && local === undefined) || (databasesAt !== undefined && databases === undefined)) return undefined;
  return { kind, ...(local === undefined ? {} : { local }), ...(databases === undefined ? {} : { databases }) };
}

/** `databases: [catalog, scores]`: names PostgreSQL takes as they are, each once. */
function readDatabases(r: Reader, node: Node, path: string): string[] | undefined {
  const names = r.strings(node, path);
  if (names === undefined || node.kind !== 'seq') return undefined;
  let ok = true;
  const seen = new Set<string>();
  names.forEach((name, i) => {
    const at = node.items[i]?.pos ?? node.pos;
    if (!DATABASE_NAME.test(name)) {
      ok = false;
      r.problems.error('value', at, itemPath(path, i), `${JSON.stringify(name)} is not a database name bricks takes: lower-case letters, digits and _, starting with a letter or _, at most 63 characters (PostgreSQL folds unquoted names to lower case)`);
    } else if (seen.has(name)) {
      ok = false;
      r.problems.error('value', at, itemPath(path, i), `${name} is listed twice`);
    }
    seen.add(name);
  });
  return ok ? names : undefined;
}

/** `ambassador: { url, timeout?, retries?, credential?: { header, secret, scheme? } }`. */
function readAmbassador(r: Reader, node: Node, path: string): AmbassadorSpec | undefined {
  const m = r.map(node, path, 'a map such as { url: https://api.example.com }');
  if (m === undefined) return undefined;
  r.keys(m, path, AMBASSADOR_KEYS, 'x-bricks.ambassador', true);
  const at = (k: string) => m.entries.find((e) => e.key === k);
  const urlAt = at('url');
  if (urlAt === undefined) {
    r.problems.error('value', m.pos, path, 'x-bricks.ambassador needs url: the remote API it forwards to');
    return undefined;
  }
  const url = r.string(urlAt.value, childPath(path, 'url'), 'an http or https URL');
  if (url === undefined) return undefined;
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || parsed.username !== '' || parsed.password !== '') {
    r.problems.error('value', urlAt.value.pos, childPath(path, 'url'), 'expected an http:// or https:// URL without credentials in it (a credential comes from a secret: credential: { header, secret })');
    return undefined;
  }
  const out: { -readonly [K in keyof AmbassadorSpec]: AmbassadorSpec[K] } = { url };
  const timeout = at('timeout');
  if (timeout !== undefined) out.timeoutMs = r.duration(timeout.value, childPath(path, 'timeout'));
  const retries = at('retries');
  if (retries !== undefined) out.retries = r.int(retries.value, childPath(path, 'retries'), 0, 10);
  const credential = at('credential');
  if (credential !== undefined) {
    const cp = childPath(path, 'credential');
    const cm = r.map(credential.value, cp, 'a map such as { header: authorization, secret: api_token, scheme: Bearer }');
    if (cm === undefined) return undefined;
    r.keys(cm, cp, CREDENTIAL_KEYS, 'x-bricks.ambassador.credential', true);
    const field = (k: string): string | undefined => {
      const e = cm.entries.find((x) => x.key === k);
      return e === undefined ? undefined : r.string(e.value, childPath(cp, k));
    };
    const header = field('header');
    const secret = field('secret');
    const scheme = field('scheme');
    if (header === undefined || secret === undefined || !/^[A-Za-z0-9-]+$/.test(header)) {
      r.problems.error('value', cm.pos, cp, 'credential needs header (a header name) and secret (one of the service\'s secrets:)');
      return undefined;
    }
    out.credential = { header: header.toLowerCase(), secret, ...(scheme === undefined ? {} : { scheme }) };
  }
  return compact(out);
}

function readAutoscale(r: Reader, node: Node, path: string): AutoscaleSpec | undefined {
  const m = r.map(node, path, 'a map such as { min: 1, max: 4, concurrency: 10 }');
  if (m === undefined) return undefined;
  r.keys(m, path, AUTOSCALE_KEYS, 'x-bricks.autoscale', true);
  const spec: { -readonly [K in keyof AutoscaleSpec]?: AutoscaleSpec[K] } = {};
  let ok = true;
  for (const e of m.entries) {
    const p = childPath(path, e.key);
    const v = e.value;
    const read = (): number | undefined => {
      switch (e.key as (typeof AUTOSCALE_KEYS)[number]) {
        case 'min':
          return (spec.min = r.int(v, p, 0));
        case 'max':
          return (spec.max = r.int(v, p, 1));
        case 'concurrency':
          return (spec.concurrency = r.number(v, p, 0.01));
        case 'rps':
          return (spec.rps = r.number(v, p, 0.001));
        case 'cpu':
          return (spec.cpu = r.number(v, p, 1, 1000));
        case 'tolerance':
          return (spec.tolerance = r.number(v, p, 0, 1));
        case 'window':
          return (spec.windowMs = r.duration(v, p));
        case 'panic_window':
          return (spec.panicWindowMs = r.duration(v, p));
        case 'panic_threshold':
          return (spec.panicThreshold = r.number(v, p, 1));
        case 'max_scale_up_rate':
          return (spec.maxScaleUpRate = r.number(v, p, 1));
        case 'scale_down_delay':
          return (spec.scaleDownDelayMs = r.duration(v, p));
        case 'idle':
          return (spec.idleMs = r.duration(v, p));
      }
    };
    if ((AUTOSCALE_KEYS as readonly string[]).includes(e.key) && read() === undefined) ok = false;
  }
  if (!ok) return undefined;
  if (spec.max === undefined) {
    r.problems.error('value', m.pos, path, 'x-bricks.autoscale needs max: the most replicas it may run');
    return undefined;
  }
  if (spec.min !== undefined && spec.min > spec.max) {
    const minAt = m.entries.find((e) => e.key === 'min');
    r.problems.error('value', minAt?.value.pos ?? m.pos, childPath(path, 'min'), `min (${spec.min}) is above max (${spec.max}); the autoscaler could never satisfy both`);
    return undefined;
  }
  const windows = { window: spec.windowMs, panic_window: spec.panicWindowMs };
  if (windows.window !== undefined && windows.panic_window !== undefined && windows.panic_window > windows.window) {
    const at = m.entries.find((e) => e.key === 'panic_window');
    r.problems.error('value', at?.value.pos ?? m.pos, childPath(path, 'panic_window'), 'panic_window is longer than window; the panic window is the short one');
    return undefined;
  }
  return compact({ ...spec, max: spec.max });
}

/**
 * `x-bricks.resilience` and `x-bricks.auth` are the SDK's contracts (its schemas, the ones the
 * replicas parse BRICKS_RESILIENCE and BRICKS_AUTH with), so they are checked with those schemas
 * here and their findings located.
 */
function readSdkKeys<S extends z.ZodType>(r: Reader, node: Node, path: string, schema: S, label: string): z.output<S> | undefined {
  const parsed = schema.safeParse(toPlain(node));
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    const segments = issue.path.map((s) => (typeof s === 'number' ? s : String(s)));
    const at = nodeAt(node, segments);
    const p = segments.length === 0 ? path : `${path}.${pathOf(segments)}`;
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const k = nodeAt(node, [...segments, key]);
        r.problems.error('unknown-key', k?.keyPos ?? at?.node.pos, childPath(p, key), `unknown key "${key}" in ${label}${segments.length > 0 ? `.${pathOf(segments)}` : ''}; see the SDK README for its keys`);
      }
    } else if (issue.code === 'invalid_type' && at !== undefined) {
      r.problems.error('type', at.node.pos, p, `expected ${issue.expected === 'object' ? 'a map' : `a ${issue.expected}`}, got ${describe(at.node)}`);
    } else if (issue.code === 'invalid_key') {
      // A map key the schema refuses (a method not named package.Service/Method): where the key is written.
      r.problems.error('value', at?.keyPos ?? at?.node.pos ?? node.pos, p, issue.issues[0]?.message ?? issue.message);
    } else {
      r.problems.error('value', at?.node.pos ?? node.pos, p, issue.message);
    }
  }
  return undefined;
}

/**
 * A method rule that needs a user token is useless without an issuer to verify it with: said at
 * load, where the rule is written, rather than by every call failing.
 */
export function checkAuthIssuers(r: Reader, serviceAuth: { readonly spec: AuthSpec; readonly node: Node; readonly path: string } | undefined, top: AuthSpec | undefined): void {
  if (serviceAuth === undefined) return;
  if ((serviceAuth.spec.issuer ?? top?.issuer) !== undefined) return;
  for (const [method, rule] of Object.entries(serviceAuth.spec.methods ?? {})) {
    if (!needsUser(rule)) continue;
    const at = nodeAt(serviceAuth.node, ['methods', method]);
    r.problems.error('value', at?.keyPos ?? serviceAuth.node.pos, `${serviceAuth.path}.methods.${method}`, `this rule needs a user token, but no issuer verifies one: set x-bricks.auth.issuer here or at the top level`);
  }
}
