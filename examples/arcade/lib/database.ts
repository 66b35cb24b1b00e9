// The PostgreSQL database of a stateful arcade service: PGlite (Postgres compiled to WASM,
// embedded in the process) on a data directory, with the service's schema applied at start.
import { mkdirSync } from 'node:fs';
import { secret } from '@bricks/sdk';
import { PGlite } from '@electric-sql/pglite';

/** What the stores need of a connection or a transaction. */
export interface Sql {
  query<T>(text: string, params?: unknown[]): Promise<{ rows: T[] }>;
}

export interface Database extends Sql {
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * Opens (creating on first use) the database in `dataDir`, or in memory when it is undefined,
 * and runs `schema`, which must be idempotent (`create ... if not exists`).
 *
 * PGlite is single-process: only one process may open a data directory at a time, which is
 * why catalog and scores run one replica each and update stop-first.
 */
export async function openDatabase(dataDir: string | undefined, schema: readonly string[]): Promise<Database> {
  if (dataDir !== undefined) mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create({
    ...(dataDir === undefined ? {} : { dataDir }),
    // Postgres' default of 128 MB shared buffers makes each replica hold ~300 MB; arcade's
    // tables are tiny, and with 16 MB a replica holds ~180 MB (measured at start, PGlite 0.5).
    postgresqlconf: ['shared_buffers=16MB'],
  });
  try {
    for (const statement of schema) await db.exec(statement);
  } catch (err) {
    await db.close().catch(() => undefined);
    throw err;
  }
  return db;
}

/**
 * The databases' password, from the stack's `db_password` secret (a file, never a variable): read
 * at start, so a replica without it stops at once with a message naming the file. Embedded PGlite
 * runs inside the process and asks for no password; this is the one a PostgreSQL server on Swarm
 * or Kubernetes is given (a later step), so the example carries it the way a real stack must.
 */
export function databasePassword(): string {
  const value = secret('db_password').replace(/\r?\n$/, '');
  if (value === '') throw new Error('the db_password secret is empty: give it a value (see secrets: in bricks.yaml)');
  return value;
}
