// The bricks side of the rolling-update benchmark: the same replica, 3 replicas, start-first,
// parallelism 1, monitor 1 s, rolled by `bricks deploy` after its environment changes, under
// the same load through the service address; then a deploy that changes nothing.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Project, steadyLoad } from '../../test/helpers/bricks.ts';
import type { RoundResult } from './shared.ts';

const replica = fileURLToPath(new URL('replica.mjs', import.meta.url));

export function rollingStack(version: string): string {
  return `name: bench-rolling
services:
  api:
    environment: { VERSION: "${version}" }
    deploy:
      replicas: 3
      update_config: { parallelism: 1, order: start-first, delay: 0s, monitor: 1s, failure_action: pause }
    stop_grace_period: 10s
    x-bricks:
      run: ["${process.execPath}", "${replica}"]
      health: { ready: /readyz, live: /healthz, interval: 1s, timeout: 1s, retries: 3 }
`;
}

export interface LocalSide {
  readonly rounds: readonly RoundResult[];
  /** `bricks deploy` with nothing changed. */
  readonly noChange: { readonly durationMs: number; readonly replaced: number; readonly outcome: string };
}

async function pids(p: Project): Promise<Set<number>> {
  const ps = await p.ps();
  return new Set(ps.services.flatMap((s) => s.replicas.map((r) => r.pid)).filter((x): x is number => x !== null));
}

export async function runLocalSide(rounds: number, clients: number, progress: (line: string) => void): Promise<LocalSide> {
  // Outside any git work tree: the daemon deploys from sources, so a deploy is about the rollout alone.
  const dir = mkdtempSync(join(tmpdir(), 'bricks-bench-rolling-'));
  const p = new Project(dir);
  writeFileSync(p.file, rollingStack('v0'));
  try {
    const up = await p.bricks('up', '-d', '--wait', '60');
    if (up.code !== 0) throw new Error(`bricks up failed: ${up.stderr}`);
    const address = (await p.ps()).services[0]!.address;
    const results: RoundResult[] = [];
    for (let round = 1; round <= rounds; round++) {
      let stop: () => void = () => {};
      const load = steadyLoad(address, clients, new Promise<void>((r) => (stop = r)));
      await new Promise((r) => setTimeout(r, 1000));
      writeFileSync(p.file, rollingStack(`v${round}`));
      const started = performance.now();
      const deploy = await p.bricks('deploy');
      const durationMs = performance.now() - started;
      await new Promise((r) => setTimeout(r, 1000));
      stop();
      const result = await load;
      const completed = deploy.code === 0 && /deployed|rolled/.test(deploy.stdout);
      if (!completed) progress(`bricks deploy: exit ${deploy.code}: ${deploy.stdout.trim()} ${deploy.stderr.trim()}`);
      results.push({ durationMs, ok: result.ok, failed: result.failed, errors: result.errors.slice(0, 3), completed });
      progress(`bricks round ${round}: deploy ${completed ? 'completed' : 'failed'} in ${Math.round(durationMs)} ms, ${result.failed} failed of ${result.ok + result.failed}`);
    }
    const before = await pids(p);
    const started = performance.now();
    const again = await p.bricks('deploy');
    const durationMs = performance.now() - started;
    const after = await pids(p);
    const replaced = [...before].filter((pid) => !after.has(pid)).length;
    const outcome = again.code === 0 ? (/unchanged/.test(again.stdout) ? 'unchanged' : again.stdout.trim()) : `exit ${again.code}`;
    progress(`bricks no-change deploy: ${Math.round(durationMs)} ms, ${replaced} replicas replaced (${outcome})`);
    return { rounds: results, noChange: { durationMs, replaced, outcome } };
  } finally {
    await p.bricks('down', '--timeout', '30');
    rmSync(dir, { recursive: true, force: true });
  }
}
