// Backing services: which services are databases bricks runs itself (a well-known image, or
// `x-bricks.backing`), what they mean (database, user, password secret), and the one URL by
// which every target hands them to the other services.
import { databaseUrlVariable, serviceUrlVariable } from '@bricks/sdk/platform-env';
import type { BackingKey, BackingSpec, FileMount } from './model.ts';
import type { Pos } from './node.ts';
import type { Problems } from './problems.ts';

/** The port PostgreSQL listens on inside its replica, on every target (the image's, libpq's default). */
export const POSTGRES_PORT = 5432;

/**
 * The official image under any of its spellings: `postgres`, `postgres:16`, `library/postgres`,
 * `docker.io/library/postgres:16-alpine`, with or without a digest. Only that one: another
 * image that happens to run PostgreSQL (bitnami's) has other variables, so it says
 * `x-bricks.backing: postgres` itself.
 */
const POSTGRES_IMAGE = /^(?:(?:docker\.io|registry-1\.docker\.io)\/)?(?:library\/)?postgres(?::[\w.-]+)?(?:@sha256:[0-9a-f]{64})?$/;

export function isPostgresImage(image: string | undefined): boolean {
  return image !== undefined && POSTGRES_IMAGE.test(image);
}

export interface BackingInput {
  readonly name: string;
  readonly path: string;
  readonly image: string | undefined;
  readonly key: BackingKey | undefined;
  readonly environment: Readonly<Record<string, string>>;
  readonly environmentAt: Pos | undefined;
  readonly secrets: readonly FileMount[];
}

/**
 * What a service's image and `x-bricks.backing` make of it. The variables are the official
 * image's (POSTGRES_DB, POSTGRES_USER, POSTGRES_PASSWORD_FILE), so one stack file means the same
 * to `docker compose`, Swarm, Kubernetes and the local platform.
 */
export function readBackingSpec(input: BackingInput, problems: Problems): BackingSpec | undefined {
  if (input.key === false) return undefined;
  const kind = input.key?.kind ?? (isPostgresImage(input.image) ? 'postgres' : undefined);
  if (kind === undefined) return undefined;
  const env = input.environment;
  if (env['POSTGRES_PASSWORD'] !== undefined) {
    // The value is not repeated: it is a secret.
    problems.error('value', input.environmentAt, `${input.path}.environment.POSTGRES_PASSWORD`, 'a password is a secret, and secrets are files: declare it under secrets: and set POSTGRES_PASSWORD_FILE: /run/secrets/<name>');
    return undefined;
  }
  const passwordSecret = passwordSecretOf(input, problems);
  const user = env['POSTGRES_USER'] || 'postgres';
  const database = env['POSTGRES_DB'] || user;
  // POSTGRES_DB stays the first (the image creates it, `<NAME>_URL` names it); listing it again is no error.
  const more = (input.key?.databases ?? []).filter((d) => d !== database);
  return {
    kind,
    ...(input.key?.local === undefined ? {} : { local: input.key.local }),
    user,
    database,
    ...(more.length === 0 ? {} : { moreDatabases: more }),
    ...(passwordSecret === undefined ? {} : { passwordSecret }),
  };
}

/** Every database the server holds, the first (POSTGRES_DB's) first. */
export function databasesOf(backing: BackingSpec): readonly string[] {
  return [backing.database, ...(backing.moreDatabases ?? [])];
}

function passwordSecretOf(input: BackingInput, problems: Problems): string | undefined {
  const file = input.environment['POSTGRES_PASSWORD_FILE'];
  if (file === undefined) return input.secrets.length === 1 ? input.secrets[0]?.source : undefined;
  const mount = input.secrets.find((m) => m.target === file);
  if (mount === undefined) {
    problems.error('reference', input.environmentAt, `${input.path}.environment.POSTGRES_PASSWORD_FILE`, `${file} is not where any of ${input.name}'s secrets: is mounted (a secret <name> is at /run/secrets/<name>)`);
    return undefined;
  }
  return mount.source;
}

/**
 * The value of a backing service's `<NAME>_URL`: `postgres://<user>@<host>:<port>/<database>`,
 * the form libpq, node-postgres and postgres.js all read. It carries no password: the password
 * is a secret, a file the service is given too, never part of the environment.
 */
export function connectionUrl(backing: BackingSpec, host: string, port: number, database = backing.database): string {
  return `postgres://${encodeURIComponent(backing.user)}@${host}:${port}/${encodeURIComponent(database)}`;
}

/**
 * The variables by which the other services reach a backing service: `<NAME>_URL` for its first
 * database, and `<NAME>_<DATABASE>_URL` for each of `x-bricks.backing.databases` beside it. Every
 * target sets these, so a service's code reads the same variable everywhere.
 */
export function backingUrlVariables(name: string, backing: BackingSpec, host: string, port: number): Record<string, string> {
  const out: Record<string, string> = { [serviceUrlVariable(name)]: connectionUrl(backing, host, port) };
  for (const d of backing.moreDatabases ?? []) out[databaseUrlVariable(name, d)] = connectionUrl(backing, host, port, d);
  return out;
}

/**
 * A further database's `<NAME>_<DATABASE>_URL` must not be another service's `<NAME>_URL` (`db`
 * with `catalog` and a service `db-catalog` both make `DB_CATALOG_URL`): one would hide the other.
 * `at` finds where a service's `x-bricks.backing.databases` is written.
 */
export function checkUrlVariables(services: ReadonlyMap<string, { readonly backing?: BackingSpec | undefined }>, at: (service: string) => Pos | undefined, problems: Problems): void {
  const owners = new Map<string, string>();
  for (const name of services.keys()) owners.set(serviceUrlVariable(name), `service ${name}'s address`);
  for (const [name, s] of services) {
    for (const d of s.backing?.moreDatabases ?? []) {
      const variable = databaseUrlVariable(name, d);
      const owner = owners.get(variable);
      if (owner !== undefined) problems.error('value', at(name), `services.${name}.x-bricks.backing.databases`, `${variable}, database ${d}'s URL, is also ${owner}: rename the database or the service`);
      else owners.set(variable, `database ${d} of ${name}`);
    }
  }
}
