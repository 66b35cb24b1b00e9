// @ts-check
// The local PostgreSQL of a backing service: the program a replica of `image: postgres` runs on
// the local target, in one process that owns its data directory. The daemon runs it as any
// replica (health-gated, restarted, logged, stopped on SIGTERM); it binds $PORT on loopback only
// once the database can answer, so "it listens" means "it is ready".
//   --engine embedded  PGlite (PostgreSQL compiled to WASM) behind the wire protocol
//                      (@electric-sql/pglite-socket): needs nothing but Node.
//   --engine system    the machine's initdb and postgres, reached through a unix socket in the
//                      data directory; this process forwards $PORT to it once it accepts queries.
// Plain JavaScript run by node itself, as the group launcher is (an installed bricks has no
// TypeScript loader); argv carries the settings, and it takes the one variable name it reads
// from the SDK's plain-JavaScript module.
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { SECRETS_DIR_VARIABLE } from '@bricks/sdk/platform-env';

const { values } = parseArgs({
  options: {
    engine: { type: 'string', default: 'embedded' },
    data: { type: 'string' },
    user: { type: 'string', default: 'postgres' },
    database: { type: 'string', default: 'postgres' },
    // Each further database the server holds (x-bricks.backing.databases), besides --database.
    also: { type: 'string', multiple: true, default: [] },
    // The password's secret file, relative to the replica's secrets folder; the system server needs one.
    'password-secret': { type: 'string' },
  },
});
const port = Number(process.env.PORT ?? '5432');
/** Every database this server holds; the first is --database (POSTGRES_DB's). */
const databases = [...new Set([values.database, ...values.also])];
const host = '127.0.0.1';
const dataDir = values.data;
if (dataDir === undefined || !Number.isInteger(port)) fail('usage: postgres-server.mjs --engine embedded|system --data DIR (PORT in the environment)');
mkdirSync(dataDir, { recursive: true, mode: 0o700 });

/** @param {string} message */
function fail(message) {
  console.error(`bricks postgres: ${message}`);
  process.exit(2);
}

/** @param {string} message */
function say(message) {
  console.log(`bricks postgres: ${message}`);
}


/**
 * PGlite is one PostgreSQL session: every connection's messages run in that one backend. The
 * socket package queues them per message, so two clients' extended-protocol messages (Parse,
 * Bind, Execute ... Sync) could interleave and bind one client's values to another's unnamed
 * statement. This queue gives the session to one connection for a whole unit of work: up to a
 * Sync or a simple Query, and for as long as a transaction it opened stays open.
 */
class SessionQueue {
  /** @param {import('@electric-sql/pglite').PGlite} db */
  constructor(db) {
    this.db = db;
    /** @type {{ handlerId: number, message: Uint8Array, onData: (d: Uint8Array) => void, resolve: (n: number) => void, reject: (e: unknown) => void }[]} */
    this.queue = [];
    /** @type {number | null} the connection that holds the session */
    this.owner = null;
    this.pumping = false;
  }

  /**
   * @param {number} handlerId
   * @param {Uint8Array} message
   * @param {(d: Uint8Array) => void} onData
   * @returns {Promise<number>}
   */
  enqueue(handlerId, message, onData) {
    return new Promise((resolve, reject) => {
      this.queue.push({ handlerId, message, onData, resolve, reject });
      void this.pump();
    });
  }

  async pump() {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (;;) {
        const index = this.owner === null ? 0 : this.queue.findIndex((q) => q.handlerId === this.owner);
        const item = index === -1 ? undefined : this.queue.splice(index, 1)[0];
        if (item === undefined) break;
        const type = item.message[0];
        // Terminate ends the client's connection, not the one session everybody shares.
        if (type === TERMINATE) {
          item.resolve(0);
          await this.release(item.handlerId);
          continue;
        }
        this.owner = item.handlerId;
        let bytes = 0;
        try {
          await this.db.runExclusive(() => this.db.execProtocolRawStream(item.message, { onRawData: (d) => ((bytes += d.length), item.onData(d)) }));
          item.resolve(bytes);
        } catch (err) {
          item.reject(err);
        }
        if ((type === SYNC || type === QUERY || type === STARTUP) && !this.db.isInTransaction()) this.owner = null;
      }
    } finally {
      this.pumping = false;
    }
  }

  getQueueLength() {
    return this.queue.length;
  }

  /** @param {number} handlerId */
  clearQueueForHandler(handlerId) {
    this.queue = this.queue.filter((q) => (q.handlerId === handlerId ? (q.reject(new Error('connection closed')), false) : true));
  }

  /** A connection that went away in the middle of its unit: end the unit and its transaction. @param {number} handlerId */
  async clearTransactionIfNeeded(handlerId) {
    await this.release(handlerId);
  }

  /** @param {number} handlerId */
  async release(handlerId) {
    if (this.owner !== handlerId) return;
    await this.db.runExclusive(async () => {
      // Sync leaves the "skip until Sync" state of a failed extended query; then nothing of the
      // departed client's transaction may stay.
      await this.db.execProtocolRaw(SYNC_MESSAGE);
      if (this.db.isInTransaction()) await this.db.exec('ROLLBACK');
    });
    if (this.owner === handlerId) this.owner = null;
    void this.pump();
  }
}

const SYNC = 0x53; // 'S'
const QUERY = 0x51; // 'Q'
const TERMINATE = 0x58; // 'X'
// A startup message begins with its length, whose first byte is 0 for any message this small.
const STARTUP = 0x00;
const SYNC_MESSAGE = new Uint8Array([SYNC, 0, 0, 0, 4]);

/**
 * The folder, inside the first database's, that holds each further database's own PGlite folder.
 * The first stays in the data directory itself, as before there were several, so data kept
 * across `down`/`up` from then is still found; PostgreSQL leaves a folder it does not know alone.
 */
const MORE_DATABASES_DIR = 'bricks-databases';

/**
 * @param {string} dir
 * @param {readonly string[]} names
 */
async function embedded(dir, names) {
  const [{ PGlite }, { PGLiteSocketHandler }] = await Promise.all([import('@electric-sql/pglite'), import('@electric-sql/pglite-socket')]);
  const started = performance.now();
  /** @type {Map<string, { db: import('@electric-sql/pglite').PGlite, queue: SessionQueue }>} */
  const open = new Map();
  // All at start, not on a first connection: "it listens" keeps meaning every declared database
  // answers, and a database that cannot open fails the replica at once, not a client later. One
  // after another: the first initialises `dir` before any other's folder is made inside it.
  for (const [i, name] of names.entries()) {
    const at = i === 0 ? dir : join(dir, MORE_DATABASES_DIR, name);
    mkdirSync(at, { recursive: true, mode: 0o700 });
    const db = await PGlite.create({
      dataDir: at,
      // PostgreSQL's 128 MB of shared buffers makes the process hold ~300 MB; a laptop's stack has
      // small tables, and with 16 MB it holds ~180 MB (measured at start, PGlite 0.5).
      postgresqlconf: ['shared_buffers=16MB'],
    });
    await db.waitReady;
    // Each database is its own PGlite, one session each: its own queue.
    open.set(name, { db, queue: new SessionQueue(db) });
  }
  /** @type {Set<import('@electric-sql/pglite-socket').PGLiteSocketHandler>} */
  const handlers = new Set();
  const server = net.createServer((socket) => {
    socket.on('error', () => socket.destroy());
    readStartup(socket, (startup) => {
      if (startup.kind === 'cancel') return void socket.destroy();
      if (startup.kind === 'unsupported') return refuse(socket, '0A000', `unsupported frontend protocol ${startup.version >> 16}.${startup.version & 0xffff}: this server supports 3.0`);
      const target = open.get(startup.database);
      if (target === undefined) return refuse(socket, '3D000', `database "${startup.database}" does not exist`);
      // The handler's type names its own queue class; ours has the same methods.
      const handler = new PGLiteSocketHandler({ queryQueue: /** @type {any} */ (target.queue), closeOnDetach: true });
      handlers.add(handler);
      handler.addEventListener('close', () => handlers.delete(handler));
      handler.addEventListener('error', () => handlers.delete(handler));
      handler.attach(socket).then(
        // readStartup paused the socket with the startup message put back: now it flows to the handler.
        () => socket.resume(),
        () => socket.destroy(),
      );
    });
  });
  await listen(server);
  say(`embedded (PGlite) ready on ${host}:${port} in ${Math.round(performance.now() - started)} ms, data in ${dir}, databases ${names.join(', ')}`);
  onStop(async () => {
    server.close();
    await Promise.all([...handlers].map((h) => h.detach(true).catch(() => undefined)));
    // Closing checkpoints, so the next start has no WAL to replay.
    for (const { db } of open.values()) await db.close();
  });
}

// The codes of the messages a connection may open with (PostgreSQL's protocol, "Message Formats").
const PROTOCOL_3 = 196608; // 3.0
const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
// A startup message is a few parameters; PostgreSQL itself refuses one over 10000 bytes.
const MAX_STARTUP_LENGTH = 10_000;
const STARTUP_TIMEOUT_MS = 60_000;

/**
 * @typedef {{ kind: 'startup', database: string }
 *   | { kind: 'cancel' }
 *   | { kind: 'unsupported', version: number }} Startup
 */

/**
 * Reads a connection up to its startup message, to learn which database it names. An SSL or
 * GSSAPI encryption request is answered 'N' (plain text, as pglite-socket answers it) and the
 * client then sends its startup message. Once it is whole the socket is paused with the startup
 * message (and whatever followed it) put back, for the database's handler to read from the start.
 * @param {net.Socket} socket
 * @param {(startup: Startup) => void} then
 */
function readStartup(socket, then) {
  let buffer = Buffer.alloc(0);
  // A client that never says who it is does not hold a socket for ever (PostgreSQL's
  // authentication_timeout is the same minute).
  socket.setTimeout(STARTUP_TIMEOUT_MS, () => socket.destroy());
  /** @param {Buffer} chunk */
  const onData = (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    while (buffer.length >= 8) {
      const length = buffer.readInt32BE(0);
      const code = buffer.readInt32BE(4);
      if (length < 8 || length > MAX_STARTUP_LENGTH) {
        socket.removeListener('data', onData);
        return refuse(socket, '08P01', `invalid length of startup packet (${length})`);
      }
      if (buffer.length < length) return;
      if (length === 8 && (code === SSL_REQUEST || code === GSSENC_REQUEST)) {
        socket.write('N');
        buffer = buffer.subarray(8);
        continue;
      }
      socket.removeListener('data', onData);
      socket.pause();
      socket.setTimeout(0);
      if (code === CANCEL_REQUEST) return then({ kind: 'cancel' });
      if (code !== PROTOCOL_3) return then({ kind: 'unsupported', version: code });
      const params = startupParameters(buffer.subarray(8, length));
      socket.unshift(buffer);
      // As PostgreSQL: no database named means the user's own.
      return then({ kind: 'startup', database: params.get('database') || params.get('user') || '' });
    }
  };
  socket.on('data', onData);
}

/**
 * A startup message's body: name, value, name, value ..., each NUL-terminated, then one NUL.
 * @param {Buffer} body
 */
function startupParameters(body) {
  const parts = body.toString('utf8').split('\0');
  /** @type {Map<string, string>} */
  const params = new Map();
  for (let i = 0; i + 1 < parts.length && parts[i] !== ''; i += 2) params.set(/** @type {string} */ (parts[i]), /** @type {string} */ (parts[i + 1]));
  return params;
}

/**
 * Ends a connection as PostgreSQL does one it will not serve: a FATAL ErrorResponse, then close.
 * @param {net.Socket} socket
 * @param {string} sqlstate
 * @param {string} message
 */
function refuse(socket, sqlstate, message) {
  const fields = [['S', 'FATAL'], ['V', 'FATAL'], ['C', sqlstate], ['M', message]];
  const body = Buffer.concat([...fields.map(([type, value]) => Buffer.from(`${type}${value}\0`, 'utf8')), Buffer.from([0])]);
  const head = Buffer.alloc(5);
  head.write('E', 0);
  head.writeInt32BE(body.length + 4, 1);
  socket.end(Buffer.concat([head, body]));
}

/**
 * PostgreSQL refuses to run as root; when bricks runs as root (a container, a CI machine) the
 * server runs as the `postgres` user Debian's package made, and owns its directory.
 * @param {string} dir
 * @returns {{ uid?: number, gid?: number }}
 */
function serverUser(dir) {
  if (process.getuid?.() !== 0) return {};
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined) fail('running as root, and there is no postgres user to run the server as (PostgreSQL refuses root)');
  const ids = { uid: Number(uid), gid: Number(gid) };
  chownSync(dir, ids.uid, ids.gid);
  // The server must reach its directory: every folder above it must let others through.
  for (let d = dirname(dir); d !== dirname(d); d = dirname(d)) {
    const st = statSync(d);
    if (st.uid !== ids.uid && (st.mode & 0o001) === 0) fail(`the postgres user cannot reach ${dir}: ${d} is closed to others (mode ${(st.mode & 0o777).toString(8)}); chmod o+x it, or use the embedded engine`);
  }
  return ids;
}

/**
 * @param {string} dir
 * @param {readonly string[]} names
 */
async function system(dir, names) {
  const bin = postgresBinDir();
  const as = serverUser(dir);
  const pgdata = join(dir, 'pgdata');
  const secret = values['password-secret'];
  const secretsDir = process.env[SECRETS_DIR_VARIABLE];
  const passwordFile = secret === undefined || secretsDir === undefined ? undefined : join(secretsDir, secret);
  if (!existsSync(join(pgdata, 'PG_VERSION'))) {
    if (passwordFile === undefined || !existsSync(passwordFile)) fail('the system PostgreSQL needs its password: give the service a secret (POSTGRES_PASSWORD_FILE)');
    // initdb reads the password from a file; our copy has the trailing newline of an editor removed.
    const pw = join(dir, '.initdb-password');
    writeFileSync(pw, readFileSync(passwordFile, 'utf8').replace(/\r?\n$/, ''), { mode: 0o600 });
    if (as.uid !== undefined && as.gid !== undefined) chownSync(pw, as.uid, as.gid);
    const init = spawnSync(join(bin, 'initdb'), ['-D', pgdata, '-U', values.user, '--auth=scram-sha-256', `--pwfile=${pw}`, '-E', 'UTF8', '--no-instructions'], { stdio: 'inherit', ...as });
    writeFileSync(pw, '');
    if (init.status !== 0) fail(`initdb failed (exit ${init.status})`);
  }
  await stopOrphan(pgdata);
  createMissingDatabases(bin, pgdata, names, as);
  const socketDir = dir;
  // TCP off: clients come through this process's port, opened once the server accepts queries.
  const pg = spawn(join(bin, 'postgres'), ['-D', pgdata, '-c', `listen_addresses=`, '-c', `unix_socket_directories=${socketDir}`, '-p', '5432'], { stdio: 'inherit', ...as });
  let exited = false;
  pg.on('exit', (code, signal) => {
    exited = true;
    say(`postgres exited (${signal ?? code})`);
    process.exit(code ?? 1);
  });
  const socketPath = join(socketDir, '.s.PGSQL.5432');
  const deadline = Date.now() + 60_000;
  while (spawnSync(join(bin, 'pg_isready'), ['-q', '-h', socketDir, '-p', '5432']).status !== 0) {
    if (exited || Date.now() > deadline) fail('postgres did not become ready within 60 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  const server = net.createServer((client) => {
    const upstream = net.connect(socketPath);
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await listen(server);
  say(`system PostgreSQL (${bin}) ready on ${host}:${port}, data in ${pgdata}`);
  onStop(async () => {
    server.close();
    // SIGINT is PostgreSQL's fast shutdown: roll back open transactions, checkpoint, exit.
    pg.kill('SIGINT');
    await new Promise((r) => pg.once('exit', r));
  });
}

/**
 * Every declared database, made at each start if it is missing (a database added to the stack
 * after the first `up` too), not only at initdb. Single-user mode, before the server runs: no
 * client and no password needed, and nothing else can be creating one at the same time.
 * @param {string} bin
 * @param {string} pgdata
 * @param {readonly string[]} names
 * @param {{ uid?: number, gid?: number }} as
 */
function createMissingDatabases(bin, pgdata, names, as) {
  /** @param {string} sql */
  const single = (sql) => spawnSync(join(bin, 'postgres'), ['--single', '-D', pgdata, 'postgres'], { input: sql, encoding: 'utf8', stdio: ['pipe', 'pipe', 'inherit'], ...as });
  const missingOnes = () => {
    const list = single('SELECT datname FROM pg_database;\n');
    if (list.status !== 0) fail(`listing the databases failed (exit ${list.status})`);
    // Single-user mode prints each row as `1: datname = "name"	(typeid = ...)`.
    const existing = new Set([...list.stdout.matchAll(/datname = "([^"]*)"/g)].map((m) => m[1]));
    return names.filter((n) => !existing.has(n));
  };
  const missing = missingOnes();
  if (missing.length === 0) return;
  // One statement a line: CREATE DATABASE cannot run in a transaction block, and each line is its own.
  single(missing.map((n) => `CREATE DATABASE "${n.replaceAll('"', '""')}";\n`).join(''));
  // Single-user mode goes on past a failed statement: the list says whether each one was made.
  const still = missingOnes();
  if (still.length > 0) fail(`creating database ${still.join(', ')} failed (see the log above)`);
  say(`created database ${missing.join(', ')}`);
}

/**
 * A server left by an earlier run of this program that was killed with SIGKILL (its child
 * outlives it): it holds the data directory, so it gets PostgreSQL's immediate shutdown
 * (SIGQUIT; the next start replays the WAL, as after a crash), then SIGKILL.
 * @param {string} pgdata
 */
async function stopOrphan(pgdata) {
  let pid;
  try {
    pid = Number(readFileSync(join(pgdata, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return;
  say(`stopping the server a previous run left (pid ${pid})`);
  process.kill(pid, 'SIGQUIT');
  const deadline = Date.now() + 10_000;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (alive(pid)) process.kill(pid, 'SIGKILL');
  while (alive(pid)) await new Promise((r) => setTimeout(r, 50));
}

/** @param {number} pid */
function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Debian's server lives in /usr/lib/postgresql/<major>/bin; else `pg_config --bindir`; else PATH. */
function postgresBinDir() {
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const majors = readdirSync(debian).filter((d) => existsSync(join(debian, d, 'bin', 'postgres'))).sort((a, b) => Number(b) - Number(a));
    if (majors[0] !== undefined) return join(debian, majors[0], 'bin');
  }
  const config = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (config.status === 0) return config.stdout.trim();
  fail('x-bricks.backing.local is system, but no PostgreSQL server is installed here (apt-get install postgresql)');
  return '';
}

/** @param {net.Server} server */
function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', (err) => reject(new Error(`cannot listen on ${host}:${port}: ${err.message}`)));
    server.listen({ host, port }, () => resolve(undefined));
  });
}

/** @param {() => Promise<void>} stop */
function onStop(stop) {
  let stopping = false;
  for (const signal of /** @type {const} */ (['SIGTERM', 'SIGINT'])) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      say(`${signal}: closing`);
      stop().then(
        () => process.exit(0),
        (err) => {
          console.error(err);
          process.exit(1);
        },
      );
    });
  }
}

// Last: the classes and constants above exist only once their declarations have run.
if (values.engine === 'embedded') await embedded(dataDir, databases);
else if (values.engine === 'system') await system(dataDir, databases);
else fail(`--engine ${values.engine}: expected embedded or system`);
