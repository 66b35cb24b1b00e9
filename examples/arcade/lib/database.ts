// The PostgreSQL database of a stateful arcade service: the stack's backing service `db`, reached
// with node-postgres at the URL the platform hands every replica (DB_URL) and the password from
// the `db_password` secret. The service's schema is applied at start, once across replicas.
import { BricksError, secret } from '@bricks/sdk';
import pg from 'pg';

/** What the stores need of a connection or a transaction. */
export interface Sql {
  query<T>(text: string, params?: unknown[]): Promise<{ rows: T[] }>;
}

export interface Database extends Sql {
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * Any number to lock on that is arcade's alone: every replica of every service takes the same
 * transaction-scoped lock while it migrates, so two that start at once apply the schema one
 * after the other (the second finds it there) instead of racing on `create table`.
 */
const MIGRATION_LOCK = 7_100_001;

/**
 * How long a starting replica waits for the database. Swarm and Kubernetes start every service
 * at once (depends_on is the local platform's and Compose's only), so the first replicas may come
 * before the database accepts connections; a minute covers its first start (an initdb).
 */
const START_WAIT_MS = 60_000;

/**
 * Connects to `url` and applies `schema`, which must be idempotent (`create ... if not exists`),
 * in one transaction under an advisory lock.
 */
export async function openDatabase(url: string, password: string, schema: readonly string[]): Promise<Database> {
  const pool = new pg.Pool({
    ...connectionOf(url),
    password,
    // A replica serves a handful of calls at once; the server is shared by every replica.
    max: 4,
    // A server that is restarting is waited for by the platform's address (it holds a new
    // connection up to 3 s); past that the call fails as unavailable and the caller retries.
    connectionTimeoutMillis: 4_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle connection whose server went away: the pool drops it; the next call opens another.
  pool.on('error', () => undefined);
  const db = wrap(pool);
  const deadline = Date.now() + START_WAIT_MS;
  for (;;) {
    try {
      await db.transaction(async (tx) => {
        await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
        for (const statement of schema) await tx.query(statement);
      });
      return db;
    } catch (err) {
      if (err instanceof BricksError && err.code === 'unavailable' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 500));
        continue;
      }
      await pool.end().catch(() => undefined);
      throw err;
    }
  }
}

/** The rows as the caller's row type: node-postgres types them as any column map, and the SQL is the caller's. */
async function rowsOf<T>(result: Promise<pg.QueryResult>): Promise<{ rows: T[] }> {
  return { rows: (await result).rows as unknown as T[] };
}

/**
 * The URL's parts as node-postgres' fields: given a connectionString, node-postgres takes the
 * password from it too (none: the URL carries none), over the `password` option.
 */
function connectionOf(url: string): pg.PoolConfig {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: u.port === '' ? 5432 : Number(u.port),
    user: decodeURIComponent(u.username) || 'postgres',
    database: decodeURIComponent(u.pathname.replace(/^\//, '')) || 'postgres',
  };
}

function wrap(pool: pg.Pool): Database {
  return {
    query: <T>(text: string, params?: unknown[]) => rowsOf<T>(run(() => pool.query(text, params))),
    async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
      const client = await run(() => pool.connect());
      let broken: unknown;
      try {
        await client.query('begin');
        const tx: Sql = { query: <R>(text: string, params?: unknown[]) => rowsOf<R>(run(() => client.query(text, params))) };
        const result = await fn(tx);
        await run(() => client.query('commit'));
        return result;
      } catch (err) {
        broken = err;
        await client.query('rollback').catch(() => undefined);
        throw err;
      } finally {
        // A connection that failed under us goes; one whose statement failed goes back.
        client.release(broken instanceof BricksError && broken.code === 'unavailable' ? true : undefined);
      }
    },
    close: () => pool.end(),
  };
}

/**
 * SQLSTATE classes that mean "the server, not the statement": 08 connection exceptions, 57P
 * operator intervention (a shutdown), 53 insufficient resources. Those, and errors with no
 * SQLSTATE (a reset socket), are `unavailable`: the caller may try again, on this or another
 * replica. Anything else is the statement's fault and passes through.
 */
async function run<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const sqlState = typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
    if (sqlState === undefined || sqlState.startsWith('08') || sqlState.startsWith('57P') || sqlState.startsWith('53')) {
      throw new BricksError('unavailable', `the database is unreachable: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    throw err;
  }
}

/**
 * The databases' password, from the stack's `db_password` secret (a file, never a variable): read
 * at start, so a replica without it stops at once with a message naming the file.
 */
export function databasePassword(): string {
  const value = secret('db_password').replace(/\r?\n$/, '');
  if (value === '') throw new Error('the db_password secret is empty: give it a value (see secrets: in bricks.yaml)');
  return value;
}
