// Hashing helpers for digests: sha256 hex, and JSON with a stable key order so that equal
// values always hash equally whatever order their keys were written in.
import { createHash } from 'node:crypto';

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** JSON.stringify with object keys sorted at every level; `undefined` members are dropped as JSON does. */
export function stableJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

/** A sha256 hex digest, the name of an artifact directory. */
export function isDigest(name: string): boolean {
  return /^[0-9a-f]{64}$/.test(name);
}
