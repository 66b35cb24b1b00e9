// Adoption: from `bricks init` to the first answered call on a fresh project, as a new user runs
// the README's steps: `npx bricks init` (bricks from its tarball, as npx would take it from the
// registry), `npm install` from a warm npm cache, `npx bricks up -d`, then a Connect JSON call
// through the service address. Both packages are packed first (untimed); one uncounted round warms
// the npm cache with everything the project installs.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PsDoc } from '../../test/helpers/bricks.ts';
import { expectOk, packPackages, run } from '../../test/helpers/packed.ts';
import { median } from '../rolling/shared.ts';
import type { BenchSuite } from '../suite.ts';

/** Fresh projects timed: 3 give a median; BRICKS_BENCH_ROUNDS changes it. */
const rounds = Number(process.env.BRICKS_BENCH_ROUNDS ?? 3);

interface Round {
  readonly initMs: number;
  readonly installMs: number;
  readonly upMs: number;
  readonly callMs: number;
}

const total = (r: Round): number => r.initMs + r.installMs + r.upMs + r.callMs;

async function timed<T>(what: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await what();
  return { ms: performance.now() - started, value };
}

async function oneProject(work: string, packs: { dir: string; bricks: string }, name: string): Promise<Round> {
  const dir = join(work, name);
  const init = await timed(async () => expectOk('npx bricks init', await run('npx', ['--yes', `--package=${packs.bricks}`, 'bricks', 'init', dir, '--tarballs', packs.dir], { cwd: work })));
  const install = await timed(async () => expectOk('npm install', await run('npm', ['install', '--no-audit', '--no-fund'], { cwd: dir })));
  const bricks = join(dir, 'node_modules', '.bin', 'bricks');
  try {
    const up = await timed(async () => expectOk('npx bricks up -d', await run('npx', ['bricks', 'up', '-d', '--wait', '90'], { cwd: dir })));
    // The address is the stack's first free port from 7100; ps says which (outside the timing: the user read it from up's table).
    const doc = JSON.parse(expectOk('bricks ps', await run(bricks, ['ps', '--json'], { cwd: dir })).stdout) as PsDoc;
    const address = doc.services.find((s) => s.name === 'greeter')?.address;
    if (address === undefined) throw new Error(`no greeter in ${JSON.stringify(doc)}`);
    const call = await timed(async () => {
      const res = await fetch(`${address}/hello.v1.GreeterService/SayHello`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"Ada"}' });
      const body = (await res.json()) as { message?: string };
      if (res.status !== 200 || body.message !== 'Hello, Ada!') throw new Error(`the first call answered ${res.status} ${JSON.stringify(body)}`);
    });
    return { initMs: init.ms, installMs: install.ms, upMs: up.ms, callMs: call.ms };
  } finally {
    await run(bricks, ['down'], { cwd: dir });
    rmSync(dir, { recursive: true, force: true });
  }
}

const s = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const spread = (values: readonly number[]): string => `${s(median(values))} (${s(Math.min(...values))}–${s(Math.max(...values))})`;

const suite: BenchSuite = {
  name: 'adoption',
  title: 'Adoption: bricks init to the first answered call on a fresh project',
  async run(progress) {
    const work = mkdtempSync(join(tmpdir(), 'bricks-bench-adoption-'));
    try {
      mkdirSync(join(work, 'packs'));
      const packs = await packPackages(join(work, 'packs'));
      progress(`packed ${packs.bricks} and ${packs.sdk}`);
      const loadBefore = loadavg()[0] ?? 0;
      const warm = await oneProject(work, packs, 'warm-up');
      progress(`warm-up round (not counted): ${s(total(warm))}`);
      const timedRounds: Round[] = [];
      for (let i = 1; i <= rounds; i++) {
        const r = await oneProject(work, packs, `app-${i}`);
        timedRounds.push(r);
        progress(`round ${i}: ${s(total(r))} (init ${s(r.initMs)}, npm install ${s(r.installMs)}, up -d ${s(r.upMs)}, first call ${Math.round(r.callMs)} ms)`);
      }
      const loadAfter = loadavg()[0] ?? 0;
      const col = (f: (r: Round) => number): string => spread(timedRounds.map(f));
      return [
        `A new project from the sdk template (one @bricks/sdk service, 2 replicas), in a fresh folder outside the repository, ${rounds} times after one uncounted round that warms npm's cache. Each step is the README's command, run as a user would type it:`,
        '',
        '1. `npx --package=<bricks tarball> bricks init app --tarballs <dir>` (what `npx bricks init app` does once bricks is on the registry; npx keeps the package in its cache);',
        '2. `npm install` (bricks, @bricks/sdk and the dev tools: buf, protoc-gen-es, tsx, typescript; no lockfile yet, every package from the warm cache);',
        '3. `npx bricks up -d` (starts the daemon, deploys from the TypeScript sources through tsx, returns once both replicas are ready);',
        '4. one Connect JSON call (`POST /hello.v1.GreeterService/SayHello`) through the service address.',
        '',
        `1-minute load average on this 2-core machine: ${loadBefore.toFixed(1)} at the start, ${loadAfter.toFixed(1)} at the end${loadAfter > 1.5 || loadBefore > 1.5 ? ' (other work was running)' : ''}.`,
        '',
        `| measure, median (min–max) of ${rounds} | time |`,
        '|---|---:|',
        `| **bricks init → first answered call** | **${col(total)}** |`,
        `| of which \`npx bricks init\` | ${col((r) => r.initMs)} |`,
        `| of which \`npm install\` (warm cache) | ${col((r) => r.installMs)} |`,
        `| of which \`npx bricks up -d\` | ${col((r) => r.upMs)} |`,
        `| of which the first call | ${Math.round(median(timedRounds.map((r) => r.callMs)))} ms |`,
        '',
        `The install is most of it: the project's dev tools are large (buf's binary alone is ~90 MB, protoc-gen-es brings its own TypeScript), and npm unpacks them into node_modules for each new project.`,
      ].join('\n');
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  },
};

export default suite;
