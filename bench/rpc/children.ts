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

/** Server in one process, client in another; the server is stopped whatever happens. */
export async function runPair(peer: string, shape: LoadShape): Promise<LoadResult> {
  const server = node('server.ts', [peer]);
  const serverDone = finish(server, `${peer} server`, CHILD_SLACK_MS + shape.warmupMs + shape.durationMs * 2);
  try {
    const port = await new Promise<number>((resolve, reject) => {
      createInterface({ input: server.stdout! }).on('line', (l) => {
        const m = /^READY (\d+)$/.exec(l);
        if (m) resolve(Number(m[1]));
      });
      serverDone.then(() => reject(new Error(`${peer} server exited before READY`)), reject);
    });
    const client = node('client.ts', [peer, String(port), String(shape.inflight), String(shape.warmupMs), String(shape.durationMs)]);
    return lastJson(await finish(client, `${peer} client`, CHILD_SLACK_MS + shape.warmupMs + shape.durationMs), `${peer} client`);
  } finally {
    server.stdin!.end();
    await serverDone.catch(() => {});
  }
}

export async function runColocated(kind: string, shape: LoadShape): Promise<LoadResult> {
  const child = node('colocated.ts', [kind, String(shape.inflight), String(shape.warmupMs), String(shape.durationMs)]);
  child.stdin!.end();
  return lastJson(await finish(child, `co-located ${kind}`, CHILD_SLACK_MS + shape.warmupMs + shape.durationMs), `co-located ${kind}`);
}
