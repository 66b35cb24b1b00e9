// The data tier: arcade's own queries (its stores, through node-postgres, a replica's pool of 4)
// against the local embedded server (PGlite behind the wire protocol) and against Debian's
// PostgreSQL server (bricks' system engine), in the same run, rounds interleaved.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SECRETS_DIR_VARIABLE } from '@bricks/sdk/platform-env';
import { openDatabase, type Database } from '../../examples/arcade/lib/database.ts';
import { CATALOG_SCHEMA, CatalogStore } from '../../examples/arcade/services/catalog/store.ts';
import { SCORES_SCHEMA, ScoresStore } from '../../examples/arcade/services/scores/store.ts';
import { POSTGRES_SERVER } from '../../packages/bricks/src/platform/backing/index.ts';
import { freePort } from '../../packages/bricks/src/platform/runtime/ports.ts';
import type { BenchSuite } from '../suite.ts';

/** Per engine: rounds of this long, interleaved, so that the machine's other load falls on both alike. */
const ROUNDS = 3;
const ROUND_MS = 8000;
/** A replica's pool (examples/arcade/lib/database.ts): the concurrency one replica puts on the server. */
const CONCURRENCY = 4;
const PASSWORD = 'bench';

type Engine = 'embedded' | 'system';

interface Running {
  readonly child: ChildProcess;
  readonly url: string;
}

async function startServer(engine: Engine, dir: string): Promise<Running> {
  mkdirSync(join(dir, 'secrets'), { recursive: true });
  writeFileSync(join(dir, 'secrets', 'db_password'), PASSWORD);
  chmodSync(dir, 0o755);
  const port = await freePort();
  const child = spawn(process.execPath, [POSTGRES_SERVER, '--engine', engine, '--data', join(dir, 'data'), '--database', 'arcade', '--password-secret', 'db_password'], {
    env: { ...process.env, PORT: String(port), [SECRETS_DIR_VARIABLE]: join(dir, 'secrets') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 90_000;
  while (!/ready on/.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`${engine} server did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, url: `postgres://postgres@127.0.0.1:${port}/arcade` };
}

async function stopServer(r: Running): Promise<void> {
  if (r.child.exitCode !== null) return;
  const exited = new Promise((res) => r.child.once('exit', res));
  r.child.kill('SIGTERM');
  await exited;
}

interface Sample {
  ops: number;
  readonly latencies: number[];
}

/** arcade's mix: a game page is a getGame and a topScores; the list; a score submitted now and then. */
async function round(db: Database, ms: number): Promise<Sample> {
  const catalog = new CatalogStore(db);
  const scores = new ScoresStore(db);
  const games = ['tetra', 'rocket', 'maze'];
  const sample: Sample = { ops: 0, latencies: [] };
  const end = performance.now() + ms;
  let n = 0;
  const worker = async (): Promise<void> => {
    while (performance.now() < end) {
      const i = n++;
      const game = games[i % games.length] ?? 'tetra';
      const started = performance.now();
      const pick = i % 20;
      if (pick < 9) await catalog.get(game);
      else if (pick < 13) await catalog.list('', 50);
      else if (pick < 18) await scores.top(game, 10);
      else await scores.submit(game, `p${i % 97}`, i % 1000);
      sample.latencies.push(performance.now() - started);
      sample.ops++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return sample;
}

function quantile(xs: readonly number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

const ms = (x: number): string => `${x.toFixed(x < 10 ? 2 : 1)} ms`;

const suite: BenchSuite = {
  name: 'backing',
  title: 'Data tier: arcade\'s queries on the embedded server (PGlite) vs Debian\'s PostgreSQL',
  async run(progress) {
    if (!existsSync('/usr/lib/postgresql')) return 'Skipped: no PostgreSQL server installed here (Debian: apt-get install postgresql).';
    const root = mkdtempSync(join(tmpdir(), 'bricks-bench-backing-'));
    // As a project folder is: the system server runs as the postgres user when we are root.
    chmodSync(root, 0o755);
    const servers: Partial<Record<Engine, Running>> = {};
    const dbs: Partial<Record<Engine, Database>> = {};
    const samples: Record<Engine, Sample[]> = { embedded: [], system: [] };
    const startup: Partial<Record<Engine, number>> = {};
    const loadBefore = loadavg()[0] ?? 0;
    try {
      for (const engine of ['embedded', 'system'] as const) {
        const started = performance.now();
        const server = await startServer(engine, join(root, engine));
        startup[engine] = performance.now() - started;
        servers[engine] = server;
        dbs[engine] = await openDatabase(server.url, PASSWORD, [...CATALOG_SCHEMA, ...SCORES_SCHEMA]);
        progress(`${engine}: first start (initdb) ${Math.round(startup[engine])} ms`);
      }
      for (let r = 1; r <= ROUNDS; r++) {
        for (const engine of ['embedded', 'system'] as const) {
          const s = await round(dbs[engine]!, ROUND_MS);
          samples[engine].push(s);
          progress(`round ${r} ${engine}: ${Math.round(s.ops / (ROUND_MS / 1000))} queries/s, p99 ${ms(quantile(s.latencies, 0.99))}`);
        }
      }
    } finally {
      for (const db of Object.values(dbs)) await db.close().catch(() => undefined);
      for (const s of Object.values(servers)) await stopServer(s);
      rmSync(root, { recursive: true, force: true });
    }
    const loadAfter = loadavg()[0] ?? 0;
    const rate = (e: Engine): number => samples[e].reduce((a, s) => a + s.ops, 0) / ((ROUNDS * ROUND_MS) / 1000);
    const all = (e: Engine): number[] => samples[e].flatMap((s) => s.latencies);
    const e = { rate: rate('embedded'), p50: quantile(all('embedded'), 0.5), p99: quantile(all('embedded'), 0.99) };
    const p = { rate: rate('system'), p50: quantile(all('system'), 0.5), p99: quantile(all('system'), 0.99) };
    return `arcade's stores (\`examples/arcade/services/*/store.ts\`) through node-postgres with a pool of ${CONCURRENCY} (one replica's), ${CONCURRENCY} callers without pause, ${ROUNDS} rounds of ${ROUND_MS / 1000} s per server, interleaved. The mix: 45% GetGame, 20% ListGames (50 rows), 25% TopScores, 10% SubmitScore (an insert and a rank count in one transaction). Both servers are bricks' local ones (\`postgres-server.mjs\`): \`--engine embedded\` is PGlite 0.5 behind @electric-sql/pglite-socket (one session, given to one connection per statement or transaction); \`--engine system\` is Debian's PostgreSQL ${existsSync('/usr/lib/postgresql/15') ? '15' : ''} (a process per connection), reached through the same program's TCP forwarder to its unix socket. Both on this machine, fresh data directories, default settings (PGlite with shared_buffers 16 MB).

| measure | embedded (PGlite) | PostgreSQL (Debian) | embedded ÷ PostgreSQL |
|---|---|---|---|
| queries/s | ${Math.round(e.rate)} | ${Math.round(p.rate)} | ${(e.rate / p.rate).toFixed(2)}× |
| latency p50 | ${ms(e.p50)} | ${ms(p.p50)} | ${(e.p50 / p.p50).toFixed(2)}× |
| latency p99 | ${ms(e.p99)} | ${ms(p.p99)} | ${(e.p99 / p.p99).toFixed(2)}× |
| first start (initdb) to accepting queries | ${Math.round(startup.embedded ?? 0)} ms | ${Math.round(startup.system ?? 0)} ms | ${((startup.embedded ?? 0) / (startup.system ?? 1)).toFixed(2)}× |

1-minute load average on this 2-core machine: ${loadBefore.toFixed(1)} at the start, ${loadAfter.toFixed(1)} at the end (other work was running: the rounds are interleaved so that it falls on both).

Per round (queries/s): embedded ${samples.embedded.map((s) => Math.round(s.ops / (ROUND_MS / 1000))).join(', ')}; PostgreSQL ${samples.system.map((s) => Math.round(s.ops / (ROUND_MS / 1000))).join(', ')}.`;
  },
};

export default suite;
