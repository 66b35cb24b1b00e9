// What differs between two releases, per service: added, removed, a new artifact (code), or a
// different configuration (listed by key path, e.g. `environment.LOG_LEVEL`).
import type { Release } from './model.ts';

export type ServiceChange =
  | { readonly name: string; readonly change: 'added'; readonly to: string }
  | { readonly name: string; readonly change: 'removed'; readonly from: string }
  /** Same configuration, different artifact: the code or its dependencies changed. */
  | { readonly name: string; readonly change: 'digest'; readonly from: string; readonly to: string }
  /**
   * The configuration differs. Digests cover configuration except the replica count, so the
   * digests differ too unless only scale changed.
   */
  | { readonly name: string; readonly change: 'config'; readonly from: string; readonly to: string; readonly configPaths: readonly string[] };

export interface ReleaseDiff {
  readonly from: number;
  readonly to: number;
  /** Changed services only, by name. */
  readonly services: readonly ServiceChange[];
}

export function diffReleases(a: Release, b: Release): ReleaseDiff {
  return { from: a.id, to: b.id, services: diffServices(a.services, b.services) };
}

/**
 * The same comparison on bare service maps: a deploy compares the current release with what
 * it just built before recording anything (an empty result means there is nothing to do).
 */
export function diffServices(a: Release['services'], b: Release['services']): ServiceChange[] {
  const names = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  const services: ServiceChange[] = [];
  for (const name of names) {
    const before = a[name];
    const after = b[name];
    if (before === undefined && after !== undefined) services.push({ name, change: 'added', to: after.digest });
    else if (before !== undefined && after === undefined) services.push({ name, change: 'removed', from: before.digest });
    else if (before !== undefined && after !== undefined) {
      const configPaths = differingPaths(before.config, after.config);
      if (configPaths.length > 0) services.push({ name, change: 'config', from: before.digest, to: after.digest, configPaths });
      else if (before.digest !== after.digest) services.push({ name, change: 'digest', from: before.digest, to: after.digest });
    }
  }
  return services;
}

/** Key paths where two JSON values differ; arrays of different length count as one change. */
export function differingPaths(a: unknown, b: unknown, path = ''): string[] {
  if (Object.is(a, b)) return [];
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return [path || '(root)'];
    return a.flatMap((v, i) => differingPaths(v, b[i], `${path}[${i}]`));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => differingPaths(a[k], b[k], join(path, k)));
  }
  return [path || '(root)'];
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function join(path: string, key: string): string {
  const part = /^[A-Za-z_$][\w$-]*$/.test(key) ? key : JSON.stringify(key);
  if (path === '') return /^[A-Za-z_$]/.test(part) ? part : `[${part}]`;
  return /^[A-Za-z_$]/.test(part) ? `${path}.${part}` : `${path}[${part}]`;
}
