// Authenticated unary calls against the same calls without auth, in one run: the SDK's client
// and server over the fast path and over Connect, 100 in flight, the two sides alternated for
// several rounds on this shared machine, medians compared. The authenticated side verifies a
// user bearer token (scope) and the caller's service identity token (callers) on every call.
//   BENCH_AUTH_SECONDS (default 3) per round; BRICKS_BENCH_ROUNDS (default 5) rounds per side.
import { spawn, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import type { LoadResult } from '../rpc/load.ts';
import type { BenchSuite } from '../suite.ts';

const here = new URL('.', import.meta.url).pathname;
const INFLIGHT = 100; // as the rpc suite: many callers on one peer
const WARMUP_MS = 1000;
const SLACK_MS = 30_000;

type Side = 'plain' | 'headers' | 'auth';

function node(file: string, args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', `${here}${file}`, ...args], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, LOG_LEVEL: 'warn' } });
}

function exited(child: ChildProcess, what: string, timeoutMs: number): Promise<string[]> {
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

async function round(side: Side, protocol: 'fast' | 'connect', durationMs: number): Promise<LoadResult> {
  const server = node('server.ts', [side]);
  const serverDone = exited(server, `${side} server`, SLACK_MS + WARMUP_MS + durationMs * 2);
  try {
    const ready = await new Promise<string[]>((resolve, reject) => {
      createInterface({ input: server.stdout! }).on('line', (l) => {
        if (l.startsWith('READY ')) resolve(l.split(' ').slice(1));
      });
      serverDone.then(() => reject(new Error(`${side} server exited before READY`)), reject);
    });
    const client = node('client.ts', [protocol, ready[0]!, String(INFLIGHT), String(WARMUP_MS), String(durationMs), ...ready.slice(1)]);
    const lines = await exited(client, `${side} client`, SLACK_MS + WARMUP_MS + durationMs);
    const result = lines.filter((l) => l.startsWith('RESULT ')).at(-1);
    if (result === undefined) throw new Error(`${side} client printed no result`);
    return JSON.parse(result.slice('RESULT '.length)) as LoadResult;
  } finally {
    server.stdin!.end();
    await serverDone.catch(() => undefined);
  }
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const fmt = (n: number, d = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

const suite: BenchSuite = {
  name: 'auth',
  title: 'Verified callers: an authenticated unary call against the same call without auth',
  async run(progress) {
    const seconds = Number(process.env.BENCH_AUTH_SECONDS ?? 3);
    const rounds = Number(process.env.BRICKS_BENCH_ROUNDS ?? 5);
    const load = loadavg()[0]!;
    const rows: string[] = [];
    const ratios: string[] = [];
    for (const protocol of ['fast', 'connect'] as const) {
      const got: Record<Side, LoadResult[]> = { plain: [], headers: [], auth: [] };
      for (let r = 0; r < rounds; r++) {
        // Rotate which side goes first, so a drift of the machine's load falls on all of them.
        const order: Side[] = ['plain', 'auth', 'headers'];
        for (let i = 0; i < order.length; i++) {
          const side = order[(i + r) % order.length]!;
          const res = await round(side, protocol, seconds * 1000);
          if (res.errors > 0) throw new Error(`${protocol} ${side}: ${res.errors} calls failed (${res.firstError ?? ''})`);
          got[side].push(res);
          progress(`${protocol} ${side} round ${r + 1}: ${fmt(res.callsPerSec)} calls/s, p50 ${fmt(res.p50Ms, 2)} ms`);
        }
      }
      const m = (side: Side, k: 'callsPerSec' | 'p50Ms' | 'p99Ms'): number => median(got[side].map((x) => x[k]));
      const ratio = m('auth', 'callsPerSec') / m('plain', 'callsPerSec');
      const carried = m('headers', 'callsPerSec') / m('plain', 'callsPerSec');
      for (const side of ['plain', 'headers', 'auth'] as const) {
        const label = side === 'plain' ? 'no auth' : side === 'headers' ? 'the same two tokens sent, not checked (no auth on the server)' : 'user token (scope) + service identity (callers), verified';
        rows.push(`| ${protocol} | ${label} | ${fmt(m(side, 'callsPerSec'))} | ${got[side].map((x) => fmt(x.callsPerSec)).join(', ')} | ${fmt(m(side, 'p50Ms'), 2)} | ${fmt(m(side, 'p99Ms'), 2)} |`);
      }
      ratios.push(`- ${protocol}: authenticated / plain = **${ratio.toFixed(2)}×** (median of ${rounds} rounds each; goal ≥ 0.9×); only carrying the tokens / plain = ${carried.toFixed(2)}×, so verifying costs ${((carried - ratio) * 100).toFixed(0)} points and carrying ${((1 - carried) * 100).toFixed(0)}`);
    }
    return [
      `${rounds} rounds per side of ${seconds} s each (after ${WARMUP_MS / 1000} s of warm-up), ${INFLIGHT} calls in flight, one client process → one server process; sides alternated; load average ${load.toFixed(1)} at the start.`,
      '',
      '| protocol | side | calls/s (median) | each round | p50 ms | p99 ms |',
      '|---|---|---|---|---|---|',
      ...rows,
      '',
      ...ratios,
      '- The authenticated side checks both tokens on every call; each is verified with jose once (signature, iss, aud, exp, nbf, alg allow-list) and then kept until it expires (found by 32 characters of its signature, then compared whole), so a call costs a short-key lookup, a string comparison and two clock comparisons per token.',
    ].join('\n');
  },
};

export default suite;
