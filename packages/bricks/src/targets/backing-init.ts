// A backing PostgreSQL's further databases (x-bricks.backing.databases) on an engine. The
// official image creates only POSTGRES_DB; on its first start (an empty data directory) it runs
// the files in /docker-entrypoint-initdb.d, so bricks mounts one there (a Swarm config, a
// Kubernetes ConfigMap) that creates the others.
import type { Service } from '../stack/model.ts';

/** The file's name in the config / ConfigMap, and in the image's init folder. */
export const INITDB_KEY = 'bricks-databases.sql';
/** Where it is mounted: the official image's init folder. */
export const INITDB_MOUNT = `/docker-entrypoint-initdb.d/${INITDB_KEY}`;

/** The config's (Swarm) or ConfigMap's (Kubernetes) name for one backing service. */
export function initdbSource(service: Service): string {
  return `bricks-${service.name}-databases`;
}

/**
 * The SQL that creates the service's further databases, or null when it declares none. One
 * statement a line and no comment: the image runs it with psql, and bricks' CI image (built from
 * Debian's packages, scripts/ci/docker-setup.sh) with `postgres --single`, which ends a statement
 * at each newline. CREATE DATABASE cannot run in a transaction, and neither wraps it in one.
 */
export function initdbScript(service: Service): string | null {
  const more = service.backing?.moreDatabases ?? [];
  // The names are plain identifiers (stack/bricks-keys.ts); quoted all the same.
  return more.length === 0 ? null : more.map((d) => `CREATE DATABASE "${d}";\n`).join('');
}
