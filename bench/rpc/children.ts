// Spawns the benchmark's child processes (node + tsx) and always reaps them.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { LoadResult } from './load.ts';

const here = new URL('.', import.meta.url).pathname;

function node(file: string, args: string[]): ChildProcess {
  // LOG_LEVEL: the SDK's per-call logs would cost the rows that use it and clutter the output.
  return spawn(process.execPath, ['--import', 'tsx', `${here}${file}`, ...args], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, LOG_LEVEL: 'warn' },
  });
}

/** Resolves with the child's stdout lines once it exits 0; rejects otherwise or after `timeoutMs`. */
export function finish(child: ChildProcess, what: string, timeoutMs: number): Promise<string[]> {
  const lines: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (l) => lines.push(l));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${what} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(lines);
      else reject(new Error(`${what} exited with ${code}`));
    });
  });
}

function lastJson(lines: string[], what: string): LoadResult {
  const line = lines.filter((l) => l.startsWith('RESULT ')).at(-1);
  if (line === undefined) throw new Error(`${what} printed no result`);
  return JSON.parse(line.slice('RESULT '.length)) as LoadResult;
}

export interface LoadShape {
  inflight: number;
  warmupMs: number;
  durationMs: number;
}

/** Moleculer's client waits up to 10 s for discovery; the rest is start-up slack. */
const CHILD_SLACK_MS = 30_000;

/** A peer's server in a child process, once it is listening; `stop` ends it and says the CPU µs it used (NaN if unknown). */
async function startServer(peer: string, shape: LoadShape): Promise<{ port: number; stop: () => Promise<number> }> {
  const server = node('server.ts', [peer]);
  const serverDone = finish(server, `${peer} server`, CHILD_SLACK_MS + shape.warmupMs + shape.durationMs * 2);
  const stop = async (): Promise<number> => {
    server.stdin!.end();
    const lines = await serverDone.catch((): string[] => []);
    const cpu = lines.find((l) => l.startsWith('CPU '));
    return cpu === undefined ? NaN : Number(cpu.slice(4));
  };
  try {
    const port = await new Promise<number>((resolve, reject) => {
      createInterface({ input: server.stdout! }).on('line', (l) => {
        const m = /^READY (\d+)$/.exec(l);
        if (m) resolve(Number(m[1]));
      });
      serverDone.then(() => reject(new Error(`${peer} server exited before READY`)), reject);
    });
    return { port, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Server in one process, client in another; the server is stopped whatever happens. */
export async function runPair(peer: string, shape: LoadShape): Promise<LoadResult> {
  const server = await startServer(peer, shape);
  try {
    const client = node('client.ts', [peer, String(server.port), String(shape.inflight), String(shape.warmupMs), String(shape.durationMs)]);
    return lastJson(await finish(client, `${peer} client`, CHILD_SLACK_MS + shape.warmupMs + shape.durationMs), `${peer} client`);
  } finally {
    await server.stop();
  }
}

/** A side's load, and the CPU its server used per call it answered (warm-up included: both sides alike). */
export interface SideResult extends LoadResult {
  serverCpuUsPerCall: number;
}

/** Two peers' servers, each in its own process, driven at the same time by one client process. */
export async function runSideBySide(a: string, b: string, shape: LoadShape): Promise<[SideResult, SideResult]> {
  const [sa, sb] = await Promise.all([startServer(a, shape), startServer(b, shape)]);
  let results: [LoadResult, LoadResult];
  try {
    const client = node('side-by-side-client.ts', [a, String(sa.port), b, String(sb.port), String(shape.inflight), String(shape.warmupMs), String(shape.durationMs)]);
    const lines = await finish(client, `${a} + ${b} client`, CHILD_SLACK_MS + shape.warmupMs + shape.durationMs);
    const line = lines.filter((l) => l.startsWith('RESULT ')).at(-1);
    if (line === undefined) throw new Error(`${a} + ${b} client printed no result`);
    results = JSON.parse(line.slice('RESULT '.length)) as [LoadResult, LoadResult];
  } catch (e) {
    await Promise.all([sa.stop(), sb.stop()]);
    throw e;
  }
  const [cpuA, cpuB] = await Promise.all([sa.stop(), sb.stop()]);
  // Calls answered in all: the measured ones, scaled up by the warm-up at the measured rate.
  const answered = (r: LoadResult): number => r.calls * (1 + shape.warmupMs / shape.durationMs);
  const [ra, rb] = results;
  return [
    { ...ra, serverCpuUsPerCall: cpuA / answered(ra) },
    { ...rb, serverCpuUsPerCall: cpuB / answered(rb) },
  ];
}

export async function runColocated(kind: string, shape: LoadShape): Promise<LoadResult> {
  const child = node('colocated.ts', [kind, String(shape.inflight), String(shape.warmupMs), String(shape.durationMs)]);
  child.stdin!.end();
  return lastJson(await finish(child, `co-located ${kind}`, CHILD_SLACK_MS + shape.warmupMs + shape.durationMs), `co-located ${kind}`);
}
