// A real Prometheus (Debian's `prometheus`) for end-to-end tests: started on a free loopback
// port with a config and a throw-away storage folder, asked over its HTTP API, and stopped (by
// its pid) when the test ends, also when it fails. Without the binary the test skips, unless
// CI=true, where .ci/run installs it and its absence is a failure.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { freePort } from '../../packages/bricks/src/platform/runtime/ports.ts';
import { until } from './bricks.ts';

export interface PromSeries {
  readonly metric: Readonly<Record<string, string>>;
  readonly values?: readonly (readonly [number, string])[];
  readonly value?: readonly [number, string];
}

export interface RunningPrometheus {
  readonly url: string;
  query(expr: string): Promise<PromSeries[]>;
  queryRange(expr: string, startS: number, endS: number, stepS: number): Promise<PromSeries[]>;
  targets(): Promise<{ labels: Record<string, string>; health: string; lastError: string }[]>;
}

function prometheusBinary(): string | null {
  const r = spawnSync('sh', ['-c', 'command -v prometheus'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** The binary, or why a test that needs it skips (under CI=true its absence throws). */
export function findPrometheus(): { readonly bin: string } | { readonly skip: string } {
  const bin = prometheusBinary();
  if (bin !== null) return { bin };
  const skip = 'this test needs Prometheus (Debian: apt-get install prometheus; .ci/run installs it under CI=true)';
  if (process.env['CI'] === 'true') throw new Error(skip);
  return { skip };
}

export async function startPrometheus(t: TestContext, bin: string, config: string): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'bricks-prometheus-'));
  writeFileSync(join(dir, 'prometheus.yml'), config);
  const port = await freePort();
  const child = spawn(
    bin,
    [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  });
  const url = `http://127.0.0.1:${port}`;
  await until(`Prometheus ready at ${url}`, async () => {
    if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}: ${stderr}`);
    return (await fetch(`${url}/-/ready`).catch(() => null))?.status === 200;
  }, 30_000);
  const api = async <T>(path: string, params: Record<string, string>): Promise<T> => {
    const res = await fetch(`${url}${path}?${new URLSearchParams(params).toString()}`);
    const body = (await res.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`Prometheus ${path} ${JSON.stringify(params)}: ${body.error ?? res.status}`);
    return body.data;
  };
  return {
    url,
    query: async (expr) => (await api<{ result: PromSeries[] }>('/api/v1/query', { query: expr })).result,
    queryRange: async (expr, startS, endS, stepS) =>
      (await api<{ result: PromSeries[] }>('/api/v1/query_range', { query: expr, start: String(startS), end: String(endS), step: String(stepS) })).result,
    targets: async () => (await api<{ activeTargets: { labels: Record<string, string>; health: string; lastError: string }[] }>('/api/v1/targets', { state: 'active' })).activeTargets,
  };
}
