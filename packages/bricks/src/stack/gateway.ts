// `x-bricks.gateway: { descriptors, services?, policies? }`: a service that runs bricks' gateway
// program. descriptors is a path like Compose's others (relative to the project directory); the
// service's other checks (no run of its own, not also a backing service) are in service.ts.
import type { GatewaySpec } from './model.ts';
import { childPath, toPlain } from './node.ts';
import type { Node, Pos } from './node.ts';
import type { Reader } from './read.ts';

const GATEWAY_KEYS = ['descriptors', 'services', 'policies'] as const;
/** A protobuf full name: dot-separated identifiers, as `arcade.v1.CatalogService`. */
const FULL_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

export interface GatewayRead {
  /** descriptors still as written: service.ts resolves it against the project directory. */
  readonly spec: GatewaySpec;
  readonly descriptorsAt: Pos;
}

export function readGateway(r: Reader, node: Node, path: string): GatewayRead | undefined {
  const m = r.map(node, path, 'a map such as { descriptors: gen/api.binpb }');
  if (m === undefined) return undefined;
  r.keys(m, path, GATEWAY_KEYS, 'x-bricks.gateway', true);
  const at = (k: string) => m.entries.find((e) => e.key === k);
  const d = at('descriptors');
  if (d === undefined) {
    r.problems.error('value', m.pos, path, 'x-bricks.gateway needs descriptors: the FileDescriptorSet it serves (buf build -o api.binpb, or bricks gen)');
    return undefined;
  }
  const descriptors = r.string(d.value, childPath(path, 'descriptors'), 'a path to a FileDescriptorSet');
  if (descriptors === undefined) return undefined;
  if (descriptors.trim() === '') {
    r.problems.error('value', d.value.pos, childPath(path, 'descriptors'), 'descriptors is empty; expected a path to a FileDescriptorSet');
    return undefined;
  }
  const spec: { -readonly [K in keyof GatewaySpec]: GatewaySpec[K] } = { descriptors };
  const s = at('services');
  if (s !== undefined) {
    const sp = childPath(path, 'services');
    const names = r.strings(s.value, sp);
    if (names === undefined) return undefined;
    if (names.length === 0) {
      r.problems.error('value', s.value.pos, sp, 'services is empty; leave it out to serve every service of the set that has an HTTP rule');
      return undefined;
    }
    const bad = names.findIndex((n) => !FULL_NAME.test(n));
    if (bad >= 0) {
      const item = s.value.kind === 'seq' ? s.value.items[bad] : undefined;
      r.problems.error('value', item?.pos ?? s.value.pos, `${sp}[${bad}]`, `"${names[bad] ?? ''}" is not a service's full name such as arcade.v1.CatalogService`);
      return undefined;
    }
    spec.services = names;
  }
  const p = at('policies');
  if (p !== undefined) {
    const pm = r.map(p.value, childPath(path, 'policies'), 'a map of edge policies');
    if (pm === undefined) return undefined;
    spec.policies = toPlain(pm) as Record<string, unknown>;
  }
  return { spec, descriptorsAt: d.value.pos };
}
