// Health: reads Compose `healthcheck` and `x-bricks.health`, and folds them into the model's
// readiness/liveness probes with timing. Timing keys the file does not set stay unset: the
// local platform and each engine target have their own defaults.
import type { Command, Health, Probe, ProbeTimingSpec } from './model.ts';
import { childPath, itemPath } from './node.ts';
import type { Node } from './node.ts';
import type { Reader } from './read.ts';

type TimingSpec = { -readonly [K in keyof ProbeTimingSpec]: ProbeTimingSpec[K] };

const TIMING_KEYS = ['intervalMs', 'timeoutMs', 'retries', 'startPeriodMs', 'startIntervalMs'] as const;

/** The keys of `x-bricks.health`'s map form. */
const BRICKS_HEALTH_KEYS = ['ready', 'live', 'interval', 'timeout', 'retries', 'start_period', 'start_interval'] as const;

export interface HealthcheckSpec extends TimingSpec {
  /** undefined: no `test` (Compose would take the image's); 'none': `["NONE"]` or `disable: true`. */
  test?: Command | 'none';
}

export interface BricksHealthSpec extends TimingSpec {
  ready?: string;
  live?: string;
}

export function normalizeHealth(hc: HealthcheckSpec | undefined, bh: BricksHealthSpec | undefined): Health {
  const exec: Probe | undefined =
    hc?.test === undefined ? undefined : hc.test === 'none' ? { kind: 'none' } : { kind: 'exec', command: hc.test };
  const readiness: Probe = bh?.ready !== undefined ? { kind: 'http', path: bh.ready } : (exec ?? { kind: 'tcp' });
  const liveness: Probe = bh?.live !== undefined ? { kind: 'http', path: bh.live } : (exec ?? { kind: 'tcp' });
  // x-bricks.health is the more specific place, so its timing wins over healthcheck's.
  const timing: { -readonly [K in keyof ProbeTimingSpec]: ProbeTimingSpec[K] } = {};
  for (const k of TIMING_KEYS) {
    const v = bh?.[k] ?? hc?.[k];
    if (v !== undefined) timing[k] = v;
  }
  return { readiness, liveness, timing };
}

function readTiming(r: Reader, key: string, value: Node, path: string, into: TimingSpec): boolean {
  switch (key) {
    case 'interval':
      into.intervalMs = r.duration(value, path);
      return true;
    case 'timeout':
      into.timeoutMs = r.duration(value, path);
      return true;
    case 'start_period':
      into.startPeriodMs = r.duration(value, path);
      return true;
    case 'start_interval':
      into.startIntervalMs = r.duration(value, path);
      return true;
    case 'retries': {
      // Docker treats retries 0 as "not set" (its default, 3), so 0 falls back to the default.
      const n = r.int(value, path, 0);
      if (n !== undefined && n > 0) into.retries = n;
      return true;
    }
    default:
      return false;
  }
}

export function readHealthcheck(r: Reader, node: Node, path: string): HealthcheckSpec | undefined {
  const map = r.map(node, path);
  if (map === undefined) return undefined;
  const spec: HealthcheckSpec = {};
  let disabled = false;
  for (const e of map.entries) {
    const p = childPath(path, e.key);
    if (readTiming(r, e.key, e.value, p, spec)) continue;
    if (e.key === 'disable') disabled = r.bool(e.value, p) ?? false;
    else if (e.key === 'test') {
      const test = readTest(r, e.value, p);
      if (test !== undefined) spec.test = test;
    }
  }
  if (disabled) spec.test = 'none';
  return spec;
}

const TEST_EXPECTED = 'a string (run by a shell), or a list starting with "CMD", "CMD-SHELL" or "NONE"';

function readTest(r: Reader, node: Node, path: string): Command | 'none' | undefined {
  if (node.kind === 'scalar' && typeof node.value === 'string') {
    if (node.value.trim() === '') {
      r.problems.error('value', node.pos, path, `the healthcheck test is empty; expected ${TEST_EXPECTED}`);
      return undefined;
    }
    return { kind: 'shell', script: node.value };
  }
  if (node.kind !== 'seq') {
    r.string(node, path, TEST_EXPECTED);
    return undefined;
  }
  const items = r.strings(node, path);
  if (items === undefined) return undefined;
  const [head, ...rest] = items;
  if (head === 'NONE') return 'none';
  if (head === 'CMD') {
    if (rest.length > 0) return { kind: 'argv', argv: rest };
    r.problems.error('value', node.pos, path, '["CMD"] needs the program to run after it, e.g. ["CMD", "curl", "-f", "http://localhost:8080/"]');
    return undefined;
  }
  if (head === 'CMD-SHELL') {
    if (rest.length === 1) return { kind: 'shell', script: rest[0]! };
    r.problems.error('value', node.pos, path, `["CMD-SHELL", ...] takes exactly one script string, got ${rest.length}`);
    return undefined;
  }
  const at = node.items[0]?.pos ?? node.pos;
  const got = head === undefined ? 'an empty list' : JSON.stringify(head);
  r.problems.error('value', at, head === undefined ? path : itemPath(path, 0), `expected ${TEST_EXPECTED}, got ${got}`);
  return undefined;
}

function readPath(r: Reader, node: Node, path: string): string | undefined {
  const s = r.string(node, path, 'an HTTP path such as "/healthz"');
  if (s === undefined) return undefined;
  if (s.startsWith('/')) return s;
  r.problems.error('value', node.pos, path, `expected an HTTP path starting with "/", got ${JSON.stringify(s)}`);
  return undefined;
}

/** `x-bricks.health`: a path (readiness and liveness both), or `{ ready, live, ...timing }`. */
export function readBricksHealth(r: Reader, node: Node, path: string): BricksHealthSpec | undefined {
  if (node.kind === 'scalar' && typeof node.value === 'string') {
    const p = readPath(r, node, path);
    return p === undefined ? undefined : { ready: p, live: p };
  }
  const map = r.map(node, path, 'an HTTP path such as "/healthz", or a map with ready, live and timing keys');
  if (map === undefined) return undefined;
  r.keys(map, path, BRICKS_HEALTH_KEYS, 'x-bricks.health', true);
  const spec: BricksHealthSpec = {};
  for (const e of map.entries) {
    const p = childPath(path, e.key);
    if (readTiming(r, e.key, e.value, p, spec)) continue;
    if (e.key === 'ready') spec.ready = readPath(r, e.value, p);
    else if (e.key === 'live') spec.live = readPath(r, e.value, p);
  }
  return spec;
}
