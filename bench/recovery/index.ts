// Recovery: kill -9 of one of two replicas under steady load through the service address.
// Measures failed requests and the time from the kill until the replacement is ready.
// Reference (not run here): Swarm's default restart delay alone is 5 s.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findDaemon } from '../../packages/bricks/src/cli/local-daemon/find.ts';
import { projectPaths } from '../../packages/bricks/src/platform/paths.ts';
import { Project, stackOf, steadyLoad } from '../../test/helpers/bricks.ts';
import type { BenchSuite } from '../suite.ts';

/** Kills per run: enough for a median without making the suite long. */
const ROUNDS = 5;

const suite: BenchSuite = {
  name: 'recovery',
  title: 'Recovery: kill -9 of a replica under load (bricks local)',
  async run(progress) {
    const dir = mkdtempSync(join(tmpdir(), 'bricks-bench-recovery-'));
    const p = new Project(dir);
    writeFileSync(p.file, stackOf({ api: { replicas: 2 } }));
    const rows: string[] = [];
    try {
      const up = await p.bricks('up', '-d', '--wait', '60');
      if (up.code !== 0) throw new Error(`bricks up failed: ${up.stderr}`);
      const api = await findDaemon(projectPaths(dir));
      const times: number[] = [];
      let failed = 0;
      let total = 0;
      for (let round = 1; round <= ROUNDS; round++) {
        const ps = await p.ps();
        const svc = ps.services[0]!;
        const victim = svc.replicas[round % 2] ?? svc.replicas[0]!;
        let stopLoad: () => void = () => {};
        const load = steadyLoad(svc.address, 16, new Promise<void>((r) => (stopLoad = r)));
        await new Promise((r) => setTimeout(r, 1000));
        const events = new AbortController();
        const ready = (async () => {
          for await (const e of api.events({}, events.signal)) {
            if (e.type === 'replica-ready' && e.replica === victim.name) return Date.now();
          }
          return NaN;
        })();
        await new Promise((r) => setTimeout(r, 100)); // the event stream is open
        const killedAt = Date.now();
        process.kill(victim.pid!, 'SIGKILL');
        const readyAt = await ready;
        events.abort();
        await new Promise((r) => setTimeout(r, 1000));
        stopLoad();
        const result = await load;
        times.push(readyAt - killedAt);
        failed += result.failed;
        total += result.ok + result.failed;
        progress(`round ${round}: replacement ready after ${readyAt - killedAt} ms, ${result.failed} failed of ${result.ok + result.failed}`);
      }
      const sorted = [...times].sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)] ?? NaN;
      rows.push(
        '| measure | bricks | goal | reference |',
        '|---|---|---|---|',
        `| failed requests during ${ROUNDS} kills (16 keep-alive clients, GET) | ${failed} of ${total} | 0 | |`,
        `| kill → replacement ready, median (min–max) | ${median} ms (${sorted[0]}–${sorted[sorted.length - 1]}) | < 1000 ms | Swarm: 5000 ms restart delay alone (default \`restart_policy.delay\`) |`,
        `| ratio bricks ÷ Swarm's delay (median) | ${(median / 5000).toFixed(2)}× | | |`,
      );
    } finally {
      await p.bricks('down');
      rmSync(dir, { recursive: true, force: true });
    }
    return `The replica is a plain Node HTTP server (test/fixtures/echo-service.mjs), readiness on \`/readyz\` probed every 100 ms until ready. Load: 16 keep-alive clients sending GETs through the service address for the whole round.\n\n${rows.join('\n')}`;
  },
};

export default suite;
