// Rolling update of a 3-replica service under steady load: failed requests and duration,
// bricks local (`bricks deploy`) against Docker Swarm (`docker service update`, start-first,
// the same health check), plus a bricks deploy that changes nothing.
import type { BenchSuite } from '../suite.ts';
import { dockerProblem } from '../engines/docker.ts';
import { runLocalSide } from './local-side.ts';
import type { LocalSide } from './local-side.ts';
import { median } from './shared.ts';
import type { RoundResult } from './shared.ts';
import { runSwarmSide } from './swarm-side.ts';
import type { SwarmSide } from './swarm-side.ts';

/** Updates per side: 3 give a median without making the suite long (BRICKS_BENCH_ROUNDS changes it). */
const rounds = Number(process.env.BRICKS_BENCH_ROUNDS ?? 3);
/** 16 keep-alive GET clients, as the recovery suite uses: steady, bounded, loopback only. */
const clients = 16;

function summary(rs: readonly RoundResult[]): { failed: number; total: number; median: number; min: number; max: number; completed: boolean } {
  const d = rs.map((r) => r.durationMs);
  return {
    failed: rs.reduce((n, r) => n + r.failed, 0),
    total: rs.reduce((n, r) => n + r.ok + r.failed, 0),
    median: median(d),
    min: Math.min(...d),
    max: Math.max(...d),
    completed: rs.every((r) => r.completed),
  };
}

const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

function report(local: LocalSide, swarm: SwarmSide | string): string {
  const l = summary(local.rounds);
  const w = typeof swarm === 'string' ? null : summary(swarm.rounds);
  const na = typeof swarm === 'string' ? `not run: ${swarm}` : '';
  const rows = [
    '| measure | bricks local | Docker Swarm | ratio bricks ÷ Swarm | goal |',
    '|---|---|---|---|---|',
    `| failed requests during ${rounds} rolling updates | ${l.failed} of ${l.total} | ${w ? `${w.failed} of ${w.total}` : na} | | 0 |`,
    `| update duration, median (min–max) | ${s(l.median)} (${s(l.min)}–${s(l.max)}) | ${w ? `${s(w.median)} (${s(w.min)}–${s(w.max)})` : na} | ${w ? `${(l.median / w.median).toFixed(2)}×` : ''} | |`,
    `| every update completed | ${l.completed ? 'yes' : 'no'} | ${w ? (w.completed ? 'yes' : 'no') : na} | | yes |`,
    `| no-change \`bricks deploy\`: time, replicas replaced | ${Math.round(local.noChange.durationMs)} ms, ${local.noChange.replaced} (${local.noChange.outcome}) | | | < 1 s, 0 |`,
  ];
  const errors = [...local.rounds.flatMap((r) => r.errors.map((e) => `bricks: ${e}`)), ...(typeof swarm === 'string' ? [] : swarm.rounds.flatMap((r) => r.errors.map((e) => `swarm: ${e}`)))];
  return [
    `One service, 3 replicas of a plain Node HTTP server (\`bench/rolling/replica.mjs\`, drains on SIGTERM), updated by changing one environment variable, ${rounds} times per side. Both sides: parallelism 1, start-first, no delay, monitor 1 s, readiness \`GET /readyz\` every 1 s, 3 retries (locally an in-process probe with a 1 s timeout; on Swarm the \`node -e\` check bricks' Swarm target renders, with its floors of a 5 s timeout and a 30 s start period, since each check starts a process), stop grace 10 s. Load: ${clients} keep-alive clients sending GETs to 127.0.0.1 from 1 s before the update until 1 s after it completes.`,
    '',
    '- bricks: `bricks deploy` (sources mode, outside git) rolls the service; load goes through the service address (the bricks proxy). Duration: the `bricks deploy` command, which returns when the rollout is judged complete (monitor included).',
    '- Swarm: `docker service update --detach --env-add VERSION=…`; Swarm\'s ingress mesh is not used here, so load goes through a one-task edge (`bench/rolling/edge.mjs`, published `mode: host`) to the service\'s DNS name (`endpoint_mode: dnsrr`, as bricks renders services; Swarm\'s VIPs, like its ingress mesh, do not work on this machine); like the bricks proxy it retries a failed GET once. Duration: until the service\'s `UpdateStatus.State` is `completed` (polled every 100 ms). Swarm 20.10 has no `start_interval`, so a new task is first checked 1 s after it starts; bricks checks new replicas every 100 ms until ready.',
    '',
    ...rows,
    ...(errors.length > 0 ? ['', 'First failures:', '', ...errors.slice(0, 6).map((e) => `- \`${e.replace(/`/g, "'").slice(0, 160)}\``)] : []),
  ].join('\n');
}

const suite: BenchSuite = {
  name: 'rolling',
  title: 'Rolling update under load: bricks local vs Docker Swarm',
  async run(progress) {
    const local = await runLocalSide(rounds, clients, progress);
    const problem = await dockerProblem(undefined, { swarm: true });
    const swarm = problem === null ? await runSwarmSide(rounds, clients, progress) : problem;
    return report(local, swarm);
  },
};

export default suite;
