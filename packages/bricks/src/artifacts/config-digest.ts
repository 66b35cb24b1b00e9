// The part of a service's resolved configuration that its digest covers: everything except
// the replica count (scaling a service must not change what runs), with absolute paths under
// the monorepo root made relative so a checkout in another folder gives the same digests.
import { relative, sep } from 'node:path';
import type { Service } from '../stack/model.ts';

export function configForDigest(service: Service, rootDir: string): unknown {
  const { replicas: _replicas, ...rest } = service;
  return relativize(rest, rootDir);
}

function relativize(value: unknown, rootDir: string): unknown {
  if (typeof value === 'string') {
    if (value === rootDir) return '.';
    return value.startsWith(rootDir + sep) ? relative(rootDir, value) : value;
  }
  if (Array.isArray(value)) return value.map((v) => relativize(v, rootDir));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = relativize(v, rootDir);
    return out;
  }
  return value;
}
