// Authenticated unary calls against the same calls without auth, in one run: the SDK's client
// and server over the fast path and over Connect, 100 in flight, the sides taken in turn in
// short slices on this shared machine, medians compared. The authenticated side verifies a
// user bearer token (scope) and the caller's service identity token (callers) on every call.
//   BRICKS_BENCH_ROUNDS (default 15) slices per side; BENCH_AUTH_SLICE_MS (default 400) each.
import { spawn, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { finish } from '../rpc/children.ts';
import type { LoadResult } from '../rpc/load.ts';
import type { BenchSuite } from '../suite.ts';

const here = new URL('.', import.meta.url).pathname;
const INFLIGHT = 100; // as the rpc suite: many callers on one peer
const SLACK_MS = 30_000;

type Side = 'plain' | 'headers' | 'auth';

function node(file: string, args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', `${here}${file}`, ...args], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, LOG_LEVEL: 'warn' } });
}

/** One server process (both servers), one client process that turns between the three sides. */
async function run(protocol: 'fast' | 'connect', slices: number, sliceMs: number): Promise<Record<Side, LoadResult[]>> {
  const server = node('server.ts', []);
  const serverDone = finish(server, 'auth bench server', SLACK_MS * 4 + slices * sliceMs * 6);
  try {
    const ready = await new Promise<string[]>((resolve, reject) => {
      createInterface({ input: server.stdout! }).on('line', (l) => {
        if (l.startsWith('READY ')) resolve(l.split(' ').slice(1));
      });
      serverDone.then(() => reject(new Error('the auth bench server exited before READY')), reject);
    });
    const client = node('client.ts', [protocol, ...ready, String(slices), String(sliceMs)]);
    const lines = await finish(client, 'auth bench client', SLACK_MS + slices * (sliceMs + 200) * 6);
    const result = lines.filter((l) => l.startsWith('RESULT ')).at(-1);
    if (result === undefined) throw new Error('the auth bench client printed no result');
    return JSON.parse(result.slice('RESULT '.length)) as Record<Side, LoadResult[]>;
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

const LABELS: Record<Side, string> = {
  plain: 'no auth',
  headers: 'the same two tokens sent, not checked (the server has no auth)',
  auth: 'user token (scope) + service identity (callers), verified',
};

const suite: BenchSuite = {
  name: 'auth',
  title: 'Verified callers: an authenticated unary call against the same call without auth',
  async run(progress) {
    const slices = Number(process.env.BRICKS_BENCH_ROUNDS ?? 15);
    const sliceMs = Number(process.env.BENCH_AUTH_SLICE_MS ?? 400);
    const load = loadavg()[0]!;
    const rows: string[] = [];
    const ratios: string[] = [];
    for (const protocol of ['fast', 'connect'] as const) {
      progress(`${protocol} …`);
      const got = await run(protocol, slices, sliceMs);
      for (const side of Object.keys(LABELS) as Side[]) {
        const failed = got[side].reduce((n, r) => n + r.errors, 0);
        if (failed > 0) throw new Error(`${protocol} ${side}: ${failed} calls failed (${got[side].find((r) => r.firstError)?.firstError ?? ''})`);
      }
      const m = (side: Side, k: 'callsPerSec' | 'p50Ms' | 'p99Ms'): number => median(got[side].map((x) => x[k]));
      // Per slice, the authenticated side against the plain slice next to it: the pairs share the machine's load of that moment.
      const paired = median(got.auth.map((a, i) => a.callsPerSec / got.plain[i]!.callsPerSec));
      const ratio = m('auth', 'callsPerSec') / m('plain', 'callsPerSec');
      const carried = m('headers', 'callsPerSec') / m('plain', 'callsPerSec');
      for (const side of Object.keys(LABELS) as Side[]) {
        rows.push(`| ${protocol} | ${LABELS[side]} | ${fmt(m(side, 'callsPerSec'))} | ${fmt(Math.min(...got[side].map((x) => x.callsPerSec)))}–${fmt(Math.max(...got[side].map((x) => x.callsPerSec)))} | ${fmt(m(side, 'p50Ms'), 2)} | ${fmt(m(side, 'p99Ms'), 2)} |`);
      }
      progress(`${protocol}: authenticated / plain ${ratio.toFixed(2)}x (paired slices ${paired.toFixed(2)}x), carrying only ${carried.toFixed(2)}x`);
      ratios.push(`- ${protocol}: authenticated / plain = **${ratio.toFixed(2)}×** (medians; slice by slice ${paired.toFixed(2)}×; goal ≥ 0.9×); only carrying the two tokens / plain = ${carried.toFixed(2)}×`);
    }
    return [
      `One server process (the same echo service twice: without auth, and guarded) and one client process turning between three sides in ${slices} slices of ${sliceMs} ms each (after 100 ms of warm-up), ${INFLIGHT} calls in flight, so the shared machine's load falls on every side alike; load average ${load.toFixed(1)} at the start.`,
      '',
      '| protocol | side | calls/s (median of slices) | range | p50 ms | p99 ms |',
      '|---|---|---|---|---|---|',
      ...rows,
      '',
      ...ratios,
      '- The guarded side checks both tokens on every call; each is verified with jose once (signature, iss, aud, exp, nbf, alg allow-list) and then kept until it expires (found by 32 characters of its signature, then compared whole), so a call costs a short-key lookup, a string comparison and two clock comparisons per token. Carrying them: about 900 bytes of tokens per call, which the fast transport keeps in a per-connection header table (offered by the client, answered by the server, then sent as a 5-byte index, as HPACK does for HTTP/2 under Connect), so after the first calls of a connection each token travels as an index and reaches the server as the same string.',
    ].join('\n');
  },
};

export default suite;
