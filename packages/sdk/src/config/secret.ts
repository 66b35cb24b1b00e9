// A service's secrets, read as files, never from the environment: at `/run/secrets/<name>` on
// Swarm and Kubernetes, in the folder BRICKS_SECRETS_DIR names locally (the daemon's, which only
// this replica's files are in). `name` is the entry's target below /run/secrets: the secret's
// name unless the stack file gives it another `target`.
import { readFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { ConfigError } from './config.ts';
import { SECRETS_DIR_VARIABLE } from './platform-env-names.js';

/** Where Compose, Swarm and Kubernetes put secrets. */
export const SWARM_SECRETS_DIR = '/run/secrets';

/** The file of a secret: a name below the secrets folder, or an absolute target (mapped into that folder locally). */
export function secretPath(name: string, env: Readonly<Record<string, string | undefined>> = process.env): string {
  const dir = env[SECRETS_DIR_VARIABLE] || SWARM_SECRETS_DIR;
  if (!isAbsolute(name)) return join(dir, name);
  // An absolute target (`target: /etc/tls/key.pem`) lies at that path on an engine, and under the folder locally.
  if (dir === SWARM_SECRETS_DIR) return name;
  const below = relative(SWARM_SECRETS_DIR, name);
  return join(dir, below.startsWith('..') ? name.slice(1) : below);
}

/**
 * The secret's value as written (a trailing newline included, if the file has one). Throws a
 * ConfigError naming the file when it is not there. Read it again to see a rotated value: a
 * service that declares `x-bricks.secret_rotation: in-place` has its files replaced in place.
 */
export function secret(name: string, env: Readonly<Record<string, string | undefined>> = process.env): string {
  const path = secretPath(name, env);
  try {
    return readFileSync(path, 'utf8');
  } catch (cause) {
    const why = (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'is not there' : `cannot be read (${(cause as NodeJS.ErrnoException).code ?? 'error'})`;
    throw new ConfigError([{ variable: `secret ${name}`, problem: 'missing', expected: `its file ${path} ${why}: list the secret under the service's secrets: in the stack file` }], { cause });
  }
}
