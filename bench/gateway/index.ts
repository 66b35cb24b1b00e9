// Gateway benchmark: a GET transcoded to a unary RPC by the platform gateway (createGateway +
// nodeHandler, its SDK client calling a real serve()), against (a) the bricks proxy passing an
// equal GET to a plain node:http replica that answers the same JSON, and (b) arcade's hand-written
// gateway code on the same call (a copy in hand-written/, so the comparison outlives it). Every
// server runs alone in its own process; wrk loads one side at a time, the sides taken in turn
// for several rounds, medians compared.
//   BRICKS_BENCH_SECONDS (default 5) per run; BRICKS_BENCH_ROUNDS (default 5) rounds.
import { loadavg } from 'node:os';
import type { BenchSuite } from '../suite.ts';
import { cpuSeconds, nodeArgv, startChild, type Child } from '../proxy/processes.ts';
import { runWrk, type WrkResult } from '../proxy/wrk.ts';
import { SHELF_ID, SHELF_JSON } from './shelf.ts';

const seconds = Number(process.env.BRICKS_BENCH_SECONDS ?? 5);
const rounds = Number(process.env.BRICKS_BENCH_ROUNDS ?? 5);
/** JIT and pooled connections on every side before the first measured round. */
const warmupSeconds = Math.min(2, seconds);
/** wrk: 1 thread, 50 keep-alive connections, as the proxy suite's HTTP/1.1 part. */
const wrkShape = { threads: 1, connections: 50 };
const path = `/v1/shelves/${SHELF_ID}`;

type Side = 'gateway' | 'proxy' | 'hand';
const SIDES: readonly Side[] = ['gateway', 'proxy', 'hand'];
const LABELS: Record<Side, string> = {
  gateway: 'platform gateway: GET → transcoded → SDK unary call → JSON',
  proxy: 'bricks proxy → plain node:http replica (same JSON, no RPC)',
  hand: "arcade's hand-written gateway code: router → SDK unary call → hand-made JSON",
};

interface Sample extends WrkResult {
  /** CPU seconds of the side's own front process (gateway or proxy) per 10k requests. */
  readonly cpuPer10k: number;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const fmt = (n: number, d = 0): string => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

/** Checks a side answers the expected JSON before it is loaded: a fast wrong answer is no result. */
async function check(side: Side, port: number): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`);
  const text = await res.text();
  if (res.status !== 200 || JSON.stringify(JSON.parse(text)) !== SHELF_JSON) throw new Error(`${side} answered ${res.status} ${text}, not ${SHELF_JSON}`);
}

async function measure(port: number, front: Child, secs: number): Promise<Sample> {
  const before = cpuSeconds(front.pid);
  const r = await runWrk(`http://127.0.0.1:${port}${path}`, { ...wrkShape, seconds: secs });
  return { ...r, cpuPer10k: ((cpuSeconds(front.pid) - before) / Math.max(1, r.requests)) * 10_000 };
}

const suite: BenchSuite = {
  name: 'gateway',
  title: 'Edge gateway: a GET transcoded to a unary RPC, against the bricks proxy and arcade’s hand-written gateway',
  async run(progress) {
    const children: Child[] = [];
    const start = async (file: string, args: string[], what: string): Promise<{ child: Child; port: number }> => {
      const started = await startChild(nodeArgv(new URL(file, import.meta.url).pathname, args), what);
      children.push(started.child);
      return started;
    };
    const load = loadavg()[0]!;
    try {
      const backend = await start('./backend.ts', [], 'RPC backend');
      const replica = await start('./replica.ts', [], 'plain replica');
      const fronts: Record<Side, { child: Child; port: number }> = {
        gateway: await start('./platform-gateway.ts', [String(backend.port)], 'platform gateway'),
        proxy: await start('../proxy/bricks-proxy.ts', [String(replica.port)], 'bricks proxy'),
        hand: await start('./hand-written/main.ts', [String(backend.port)], 'hand-written gateway'),
      };
      for (const side of SIDES) {
        await check(side, fronts[side].port);
        await measure(fronts[side].port, fronts[side].child, warmupSeconds);
      }
      const samples: Record<Side, Sample[]> = { gateway: [], proxy: [], hand: [] };
      for (let round = 0; round < rounds; round++) {
        // The order turns each round, so no side always runs right after the same neighbour.
        for (let i = 0; i < SIDES.length; i++) {
          const side = SIDES[(i + round) % SIDES.length]!;
          const s = await measure(fronts[side].port, fronts[side].child, seconds);
          if (s.errors > 0) throw new Error(`${side}: ${s.errors} errors in round ${round + 1}`);
          samples[side].push(s);
          progress(`round ${round + 1} ${side}: ${fmt(s.requestsPerSec)} req/s, p50 ${fmt(s.p50Ms, 2)} ms, p99 ${fmt(s.p99Ms, 2)} ms`);
        }
      }
      const m = (side: Side, k: keyof Sample): number => median(samples[side].map((x) => x[k]));
      const rows = SIDES.map(
        (side) =>
          `| ${LABELS[side]} | ${fmt(m(side, 'requestsPerSec'))} | ${fmt(Math.min(...samples[side].map((x) => x.requestsPerSec)))}–${fmt(Math.max(...samples[side].map((x) => x.requestsPerSec)))} | ${fmt(m(side, 'p50Ms'), 2)} | ${fmt(m(side, 'p99Ms'), 2)} | ${fmt(m(side, 'cpuPer10k'), 2)} |`,
      );
      const vsProxy = m('gateway', 'requestsPerSec') / m('proxy', 'requestsPerSec');
      const vsHand = m('gateway', 'requestsPerSec') / m('hand', 'requestsPerSec');
      // Round by round: the two sides of a pair ran within seconds of each other, under the same load.
      const paired = (other: Side): number => median(samples.gateway.map((g, i) => g.requestsPerSec / samples[other][i]!.requestsPerSec));
      progress(`gateway / proxy ${vsProxy.toFixed(2)}x, gateway / hand-written ${vsHand.toFixed(2)}x`);
      return [
        `\`GET ${path}\` on keep-alive connections (wrk, ${wrkShape.threads} thread, ${wrkShape.connections} connections), ${rounds} rounds of ${seconds} s per side after ${warmupSeconds} s of warm-up, the order of the sides turning each round; every server alone in its own Node process on this shared 2-core machine (load average ${load.toFixed(1)} at the start). Both gateways call the same SDK serve() of the gateway's test contract (\`bricks.gateway.test.v1.LibraryService/GetShelf\`) with the SDK's default transport; the replica behind the proxy answers the very JSON they produce (${SHELF_JSON.length} bytes).`,
        '',
        '| side | req/s (median) | range | p50 ms | p99 ms | front CPU s / 10k req |',
        '|---|---|---|---|---|---|',
        ...rows,
        '',
        `- platform gateway / bricks proxy = **${vsProxy.toFixed(2)}×** (round by round ${paired('proxy').toFixed(2)}×; goal ≥ 0.6×). The proxy side makes no RPC: the gateway pays for a protobuf call and two transcodings the proxy does not.`,
        `- platform gateway / hand-written = **${vsHand.toFixed(2)}×** (round by round ${paired('hand').toFixed(2)}×; goal ≥ 1.0×).`,
        "- The hand-written side is a copy of arcade's gateway code kept in `bench/gateway/hand-written/` (its router, body reading and error mapping; a zod check of the path value and a hand-made view, as its routes did), so this comparison survives the removal of `examples/arcade/services/gateway`. Neither gateway side opens a trace span or counts metrics here: the platform's edge policies (edge/) are not part of this measurement.",
        '- "front CPU" is the CPU time of the process that takes the request (gateway, or proxy); the backend and the replica are not counted.',
      ].join('\n');
    } finally {
      await Promise.all(children.map((c) => c.stop()));
    }
  },
};

export default suite;
