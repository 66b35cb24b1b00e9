// A service's `ports:`, short syntax (`"8080:80"`, `"127.0.0.1:8080:80/udp"`, `80`) or long
// syntax (`{ target, published, protocol, host_ip, mode }`), into checked PortMappings.
import type { PortMapping } from './model.ts';
import { childPath, describe, itemPath } from './node.ts';
import type { Node } from './node.ts';
import type { Reader } from './read.ts';

const MAX_PORT = 65535;

export function readPorts(r: Reader, node: Node, path: string): PortMapping[] {
  if (node.kind !== 'seq') {
    r.problems.error('type', node.pos, path, `expected a list, got ${describe(node)}`);
    return [];
  }
  const out: PortMapping[] = [];
  node.items.forEach((item, i) => {
    const p = itemPath(path, i);
    const m = item.kind === 'map' ? readLong(r, item, p) : readShort(r, item, p);
    if (m !== undefined) out.push(m);
  });
  return out;
}

function readShort(r: Reader, node: Node, path: string): PortMapping | undefined {
  if (node.kind !== 'scalar' || (typeof node.value !== 'string' && typeof node.value !== 'number')) {
    r.problems.error('type', node.pos, path, `expected "[HOST:]CONTAINER[/PROTOCOL]" or a map, got ${describe(node)}`);
    return undefined;
  }
  const text = String(node.value).trim();
  const bad = (why: string): undefined => {
    r.problems.error('value', node.pos, path, `${JSON.stringify(text)}: ${why}; expected "[HOST_IP:][HOST:]CONTAINER[/tcp|/udp]", e.g. "8080:80"`);
    return undefined;
  };
  const [spec = '', protocol = 'tcp', ...extra] = text.split('/');
  if (extra.length > 0 || (protocol !== 'tcp' && protocol !== 'udp')) return bad('the protocol must be tcp or udp');
  let hostIp: string | undefined;
  let rest = spec;
  if (rest.startsWith('[')) {
    const end = rest.indexOf(']');
    if (end < 0 || rest[end + 1] !== ':') return bad('an IPv6 host address goes in brackets, followed by ":"');
    hostIp = rest.slice(1, end);
    rest = rest.slice(end + 2);
  }
  const parts = rest.split(':');
  if (parts.length > 3 || (hostIp !== undefined && parts.length > 2)) return bad('too many ":"');
  if (parts.length === 3) hostIp = parts.shift();
  const targetText = parts.pop() ?? '';
  const publishedText = parts.pop();
  if (targetText.includes('-') || publishedText?.includes('-') === true) {
    r.problems.error('unsupported', node.pos, path, `${JSON.stringify(text)}: port ranges are not supported by bricks; list each port`);
    return undefined;
  }
  const target = port(targetText);
  if (target === undefined) return bad(`the container port must be a number from 1 to ${MAX_PORT}`);
  const published = publishedText === undefined || publishedText === '' ? undefined : port(publishedText);
  if (publishedText !== undefined && publishedText !== '' && published === undefined) return bad(`the host port must be a number from 1 to ${MAX_PORT}`);
  return {
    target,
    protocol,
    ...(published === undefined ? {} : { published }),
    ...(hostIp === undefined || hostIp === '' ? {} : { hostIp }),
  };
}

function readLong(r: Reader, node: Extract<Node, { kind: 'map' }>, path: string): PortMapping | undefined {
  let target: number | undefined;
  let published: number | undefined;
  let protocol: 'tcp' | 'udp' = 'tcp';
  const rest: { hostIp?: string; mode?: 'host' | 'ingress'; name?: string; appProtocol?: string } = {};
  let ok = true;
  for (const e of node.entries) {
    const p = childPath(path, e.key);
    const v = e.value;
    switch (e.key) {
      case 'target':
        target = portNode(r, v, p);
        ok &&= target !== undefined;
        break;
      case 'published': {
        if (v.kind === 'scalar' && typeof v.value === 'string' && v.value.includes('-')) {
          r.problems.error('unsupported', v.pos, p, 'port ranges are not supported by bricks; list each port');
          ok = false;
          break;
        }
        published = portNode(r, v, p);
        ok &&= published !== undefined;
        break;
      }
      case 'protocol':
        protocol = r.oneOf(v, p, ['tcp', 'udp']) ?? 'tcp';
        break;
      case 'host_ip':
        rest.hostIp = r.string(v, p, 'an IP address');
        break;
      case 'mode':
        rest.mode = r.oneOf(v, p, ['host', 'ingress']);
        break;
      case 'name':
        rest.name = r.string(v, p);
        break;
      case 'app_protocol':
        rest.appProtocol = r.string(v, p);
        break;
    }
  }
  if (target === undefined) {
    if (ok && !node.entries.some((e) => e.key === 'target')) r.problems.error('value', node.pos, path, 'a port mapping needs a "target" (the port inside the replica)');
    return undefined;
  }
  if (!ok) return undefined;
  const extra = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  return { target, protocol, ...(published === undefined ? {} : { published }), ...extra };
}

function port(text: string): number | undefined {
  if (!/^\d+$/.test(text)) return undefined;
  const n = Number(text);
  return n >= 1 && n <= MAX_PORT ? n : undefined;
}

function portNode(r: Reader, node: Node, path: string): number | undefined {
  if (node.kind === 'scalar' && typeof node.value === 'string' && /^\d+$/.test(node.value.trim())) {
    const n = Number(node.value.trim());
    if (n >= 1 && n <= MAX_PORT) return n;
    r.problems.error('value', node.pos, path, `expected a port number from 1 to ${MAX_PORT}, got ${n}`);
    return undefined;
  }
  return r.int(node, path, 1, MAX_PORT);
}
