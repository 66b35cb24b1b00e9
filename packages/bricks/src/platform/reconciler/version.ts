// The versions the reconciler compares: a service spec's digest, and the restart token that
// `bricks restart` adds so the rollout machinery replaces every replica of an unchanged spec.
import { createHash } from 'node:crypto';
import type { Service } from '../../stack/model.ts';

/** `bricks restart` makes a new version of the same spec, so the rollout machinery replaces every replica. */
export function withRestartToken(version: string, token: number): string {
  return token === 0 ? version : `${version}~restart${token}`;
}

/** Whether a rollout's version is this spec version, with or without a restart token. */
export function isVersionOf(rolloutVersion: string, specVersion: string | null | undefined): boolean {
  return specVersion !== null && specVersion !== undefined && (rolloutVersion === specVersion || rolloutVersion.startsWith(`${specVersion}~`));
}

/** A version of a service's configuration: a change of it rolls the service. */
export function configDigest(s: Service): string {
  return createHash('sha256').update(JSON.stringify(s)).digest('hex').slice(0, 12);
}
