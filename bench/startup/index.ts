// Startup: arcade from nothing running to every service ready, `bricks up -d` locally against
// `docker stack deploy` of the same stack on this machine's Swarm; and a redeploy on Swarm that
// changes nothing (time, tasks replaced). Artifacts and images are built beforehand, untimed.
import { rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { buildStack, workspaceRoot } from '../../packages/bricks/src/artifacts/index.ts';
import { releaseTag } from '../../packages/bricks/src/cli/commands/targets.ts';
import { gitState } from '../../packages/bricks/src/platform/releases/index.ts';
import { formatProblem, loadStack } from '../../packages/bricks/src/stack/index.ts';
import type { Stack } from '../../packages/bricks/src/stack/index.ts';
import { buildImages, deploySwarm, imageMap, imageSource, removeSwarm, swarmPs } from '../../packages/bricks/src/targets/index.ts';
import { Project } from '../../test/helpers/bricks.ts';
import { median } from '../rolling/shared.ts';
import { floorStart } from './floor.ts';
import type { BenchSuite } from '../suite.ts';
import { arcadeCopy } from '../engines/arcade-copy.ts';
import { dockerOut, dockerProblem, dockerQuiet } from '../engines/docker.ts';

/** Starts per side: 3 give a median; BRICKS_BENCH_ROUNDS changes it. */
const rounds = Number(process.env.BRICKS_BENCH_ROUNDS ?? 3);
/** The convergence poll: 100 ms keeps the measurement's own granularity small next to seconds. */
const pollMs = 100;

interface Local {
  readonly startMs: number[];
  /** The same artifacts started with no platform (floor.ts). */
  readonly floorMs: number[];
}

interface Swarm {
  readonly startMs: number[];
  readonly noChangeMs: number[];
  /** Tasks replaced by each no-change redeploy. */
  readonly replaced: number[];
  readonly updated: string[];
}

/**
 * The stack measured: arcade as it is, or with catalog and scores started without their
 * databases; with fresh databases every start, or with the data the last start left (a
 * developer's next `bricks up`; on Swarm the named volumes, kept by `docker stack rm`).
 */
interface Variant {
  readonly label: string;
  readonly databases: boolean;
  readonly keepData: boolean;
}

const variants: readonly Variant[] = [
  { label: '', databases: true, keepData: false },
  { label: ' (databases kept)', databases: true, keepData: true },
  { label: ' (no databases)', databases: false, keepData: false },
];

const copyLabel = (side: string, v: Variant): string => `startup-${side}${v.databases ? '' : '-nodb'}${v.keepData ? '-kept' : ''}`;

async function runLocal(progress: (line: string) => void, v: Variant): Promise<Local> {
  const copy = await arcadeCopy(copyLabel('local', v), { databases: v.databases });
  const p = new Project(copy.dir);
  try {
    const build = await p.bricks('build');
    if (build.code !== 0) throw new Error(`bricks build failed: ${build.stderr}`);
    const startMs: number[] = [];
    let digests: Record<string, string> = {};
    // With kept data, round 0 makes the databases and is not counted.
    for (let round = v.keepData ? 0 : 1; round <= rounds; round++) {
      // Fresh databases, as a Swarm deploy whose volumes were removed.
      if (!v.keepData) rmSync(join(copy.dir, '.bricks', 'data'), { recursive: true, force: true });
      const started = performance.now();
      const up = await p.bricks('up', '-d', '--wait', '150');
      const ms = performance.now() - started;
      if (up.code !== 0) throw new Error(`bricks up failed: ${up.stdout}\n${up.stderr}`);
      const ps = await p.ps();
      const notReady = ps.services.filter((s) => s.ready < s.desired).map((s) => s.name);
      if (notReady.length > 0) throw new Error(`bricks up -d returned with ${notReady.join(', ')} not ready`);
      // A version is the artifact's digest, then what the secrets add (`+s…`): the floor runs the artifact.
      digests = Object.fromEntries(ps.services.map((s) => [s.name, s.version.split('+', 1)[0] ?? s.version]));
      if (round > 0) startMs.push(ms);
      progress(`bricks up -d${v.label} round ${round}: ${Math.round(ms)} ms to all ready${round === 0 ? ' (not counted: makes the databases)' : ''}`);
      const down = await p.bricks('down', '--timeout', '60');
      if (down.code !== 0) throw new Error(`bricks down failed: ${down.stderr}`);
    }
    const loaded = await loadStack({ file: copy.file });
    if (!loaded.ok) throw new Error(loaded.problems.map(formatProblem).join('\n'));
    const floorMs: number[] = [];
    for (let round = 1; round <= rounds; round++) {
      if (!v.keepData) rmSync(join(copy.dir, '.bricks', 'data'), { recursive: true, force: true });
      floorMs.push(await floorStart(loaded.stack, digests));
      progress(`no platform${v.label} round ${round}: ${Math.round(floorMs.at(-1) ?? 0)} ms to all ready`);
    }
    return { startMs, floorMs };
  } finally {
    if (p.daemonPid() !== null) await p.bricks('down', '--timeout', '60');
    copy.remove();
  }
}

async function taskIds(stack: Stack): Promise<Set<string>> {
  return new Set((await swarmPs(stack)).filter((t) => t.desiredState === 'Running').map((t) => t.id));
}

async function runSwarm(progress: (line: string) => void, v: Variant): Promise<Swarm> {
  const copy = await arcadeCopy(copyLabel('swarm', v), { databases: v.databases });
  let stack: Stack | null = null;
  try {
    // The database: the PostgreSQL image scripts/ci/docker-setup.sh builds from Debian's packages (nothing is pulled here).
    const pgImage = (await dockerOut('images', 'bricks/postgres', '--format', '{{.Repository}}:{{.Tag}}')).split('\n').find((l) => l.startsWith('bricks/postgres:'));
    if (pgImage === undefined) throw new Error('no bricks/postgres image: run scripts/ci/docker-setup.sh');
    const loaded = await loadStack({ file: copy.file, env: { ...process.env, ARCADE_POSTGRES_IMAGE: pgImage } });
    if (!loaded.ok) throw new Error(loaded.problems.map(formatProblem).join('\n'));
    stack = loaded.stack;
    const s = stack;
    const tag = releaseTag(await gitState(s.dir));
    const built = await buildStack(s, {
      rootDir: workspaceRoot(s.dir),
      outDir: join(s.dir, '.bricks', 'artifacts'),
      only: Object.values(s.services).filter((x) => imageSource(x).kind === 'built').map((x) => x.name),
    });
    const images = imageMap(await buildImages(built.services, { stack: s, sha: tag }));
    const result: Swarm = { startMs: [], noChangeMs: [], replaced: [], updated: [] };
    if (v.keepData) {
      // Round 0: makes the databases' volumes; not counted.
      await deploySwarm(s, tag, { images, pollMs });
      await removeSwarm(s);
    }
    for (let round = 1; round <= rounds; round++) {
      const first = await deploySwarm(s, tag, { images, pollMs });
      result.startMs.push(first.durationMs);
      const before = await taskIds(s);
      const again = await deploySwarm(s, tag, { images, pollMs });
      const after = await taskIds(s);
      result.noChangeMs.push(again.durationMs);
      result.replaced.push([...before].filter((id) => !after.has(id)).length);
      result.updated.push(...again.updated);
      progress(`docker stack deploy${v.label} round ${round}: ${Math.round(first.durationMs)} ms to all ready; no-change redeploy ${Math.round(again.durationMs)} ms, ${result.replaced.at(-1)} tasks replaced`);
      // With its volumes, every start has fresh databases, as the local side's.
      await removeSwarm(s, { volumes: !v.keepData });
    }
    return result;
  } finally {
    if (stack !== null) await removeSwarm(stack, { volumes: true }).catch(() => undefined);
    // Untag this run's names only: an image reused from another stack keeps its own tags.
    const refs = (await dockerOut('images', '--format', '{{.Repository}}:{{.Tag}}')).split('\n').filter((r) => r.startsWith(`${copy.name}-`));
    if (refs.length > 0) await dockerQuiet('rmi', ...refs);
    copy.remove();
  }
}

const sec = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const spread = (xs: readonly number[]): string => `${sec(median(xs))} (${sec(Math.min(...xs))}–${sec(Math.max(...xs))})`;

const suite: BenchSuite = {
  name: 'startup',
  title: 'Startup: arcade to all-ready, bricks up vs docker stack deploy',
  async run(progress) {
    const loadBefore = loadavg()[0] ?? 0;
    const problem = await dockerProblem(undefined, { swarm: true });
    const runs: { local: Local; swarm: Swarm | null }[] = [];
    for (const v of variants) runs.push({ local: await runLocal(progress, v), swarm: problem === null ? await runSwarm(progress, v) : null });
    const loadAfter = loadavg()[0] ?? 0;
    const na = `not run: ${problem ?? ''}`;
    const ratio = (ms: readonly number[], swarm: Swarm | null): string => (swarm ? `${(median(ms) / median(swarm.startMs)).toFixed(2)}×` : '');
    const startRow = (what: string, { local, swarm }: { local: Local; swarm: Swarm | null }, goal: string): string =>
      `| ${what}, median (min–max) of ${rounds} | ${spread(local.startMs)} | ${spread(local.floorMs)} | ${swarm ? spread(swarm.startMs) : na} | ${ratio(local.startMs, swarm)} | ${ratio(local.floorMs, swarm)} | ${goal} |`;
    type Run = { local: Local; swarm: Swarm | null };
    const [arcade, kept, noDb] = runs as [Run, Run, Run];
    const swarm = arcade.swarm;
    const rows = [
      '| measure | bricks local | no platform (the floor) | Docker Swarm | bricks ÷ Swarm | floor ÷ Swarm | goal |',
      '|---|---|---|---|---|---|---|',
      startRow('arcade: start to all ready, fresh databases', arcade, '≤ 0.3×'),
      startRow('arcade: start to all ready, the databases of the last start kept', kept, '≤ 0.3×'),
      startRow('arcade with catalog and scores started without their databases: start to all ready', noDb, ''),
      `| no-change redeploy on Swarm, median (min–max) | | | ${swarm ? spread(swarm.noChangeMs) : na} | | | |`,
      `| tasks replaced by the no-change redeploys | | | ${swarm ? `${swarm.replaced.reduce((a, b) => a + b, 0)} (services updated: ${swarm.updated.length === 0 ? 'none' : swarm.updated.join(', ')})` : na} | | | 0 |`,
    ];
    return [
      `The arcade example (gateway ×2, catalog ×2 and scores ×2 on the backing service db, analytics ×2, thumbnails; db is the embedded PGlite server locally and Debian's PostgreSQL 15 in the bricks/postgres image on Swarm), from nothing running to every service ready, ${rounds} times per side, on a copy of examples/arcade. Artifacts and images are built beforehand and not timed. The first row's starts have a fresh database (an initdb): locally \`.bricks/data\` is removed, on Swarm the stack is removed with its volumes. The second row's starts find the data the start before left (a developer's next \`bricks up\`; on Swarm \`docker stack rm\` keeps named volumes), after one uncounted start that makes it.`,
      '',
      '- bricks: `bricks up -d` (the command returns once every replica passed its readiness check; readiness probed every 100 ms until ready), then `bricks down`. Locally the gateway runs 2 replicas.',
      `- Swarm: \`docker stack deploy\` of the stack file bricks renders (\`deploySwarm\`), until every service runs its image with all replicas healthy (polled every ${pollMs} ms); Swarm 20.10 runs the first health check one \`interval\` (1 s) after a task starts and has no \`start_interval\`. The gateway publishes its port in host mode, so it runs as a global service (one task here). Then the same release again (no-change redeploy), then \`docker stack rm\`.`,
      `- 1-minute load average on this 2-core machine: ${loadBefore.toFixed(1)} at the start, ${loadAfter.toFixed(1)} at the end (other work was running).`,
      "- The third row runs the same stack, with catalog's and scores' `main.ts` replaced by one that serves their port and readiness without opening the database (db still starts, and they still wait for it): the platforms' own share of a start, with the same processes, replicas, health checks and `depends_on`.",
      '- No platform (the floor): the artifacts of the bricks rounds, each run with its own command and the environment the daemon gives a replica, started by the benchmark itself (`bench/startup/floor.ts`): every service at once, the gateway once catalog, scores and analytics answer `/readyz`, polled every 5 ms. No CLI, daemon, proxy, log capture or release check: no local platform can start this stack faster on this machine, so "floor ÷ Swarm" is the best ratio any platform could reach here.',
      '',
      ...rows,
    ].join('\n');
  },
};

export default suite;
