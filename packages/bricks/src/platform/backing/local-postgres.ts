// What a replica of a backing PostgreSQL runs on the local target: bricks' own server program
// (postgres-server.mjs) on the service's data directory, embedded (PGlite) unless the stack asks
// for the machine's server. The daemon runs it as it runs any replica.
import { join } from 'node:path';
import type { BackingSpec, Command, LocalPostgres, Service } from '../../stack/model.ts';
import { isSourceCheckout, PREBUILT_POSTGRES_SERVER } from '../../../bin/package-layout.js';
import { packagePath } from '../../util/package-root.ts';
import { localTarget } from '../secrets/replica-files.ts';

// A file of its own, not part of the CLI bundle: each replica runs it as its main module. An
// installed bricks runs its build in dist/.
export const POSTGRES_SERVER = isSourceCheckout(packagePath()) ? packagePath('src', 'platform', 'backing', 'postgres-server.mjs') : packagePath(PREBUILT_POSTGRES_SERVER);

/** Embedded by default: the local target needs nothing but Node (DESIGN: "no database server"). */
export const LOCAL_POSTGRES_DEFAULT: LocalPostgres = 'embedded';

/** Where a backing service keeps its data locally: `.bricks/data/<service>`, kept across `down`/`up`. */
export function backingDataDir(dataRoot: string, service: string): string {
  return join(dataRoot, service);
}

/** The program a backing service's replica runs, on `node` (this one's). */
export function localBackingCommand(service: Service, backing: BackingSpec, dataRoot: string): Command {
  const engine = backing.local ?? LOCAL_POSTGRES_DEFAULT;
  const argv = [process.execPath, POSTGRES_SERVER, '--engine', engine, '--data', backingDataDir(dataRoot, service.name), '--user', backing.user, '--database', backing.database];
  for (const d of backing.moreDatabases ?? []) argv.push('--also', d);
  const mount = service.secrets.find((m) => m.source === backing.passwordSecret);
  if (mount !== undefined) argv.push('--password-secret', localTarget(mount.target));
  return { kind: 'argv', argv };
}
