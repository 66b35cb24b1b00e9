// RPC benchmark: unary small-message calls, one client process → one server process, 100 in
// flight, every stack side by side in one run; a stock grpc-js client against a grpc-js and a
// bricks server, unary and streaming, alternating; then calls made inside one process.
//   BENCH_RPC_SECONDS (default 3) sets each row's measured window.
import { cpus, loadavg } from 'node:os';
import type { BenchSuite } from '../suite.ts';
import { runColocated, runPair, runSideBySide, type SideResult } from './children.ts';
import { colocatedKinds } from './colocated-callers.ts';
import type { LoadShape } from './children.ts';
import type { LoadResult } from './load.ts';
import { grpcInteropPeers, type GrpcInteropId } from './peers/grpc-interop.ts';
import { TICKS_PER_CALL } from './peers/grpc-js.ts';
import { peers } from './peers/index.ts';
import type { PeerId } from './peers/index.ts';

const INFLIGHT = 100; // the brief's load shape: many callers on one peer, not one at a time
const WARMUP_MS = 1000; // enough for the JIT to settle on these small handlers
/** Runs of each gRPC interop row: the machine is shared and noisy, so medians of alternating runs are compared. */
const INTEROP_ROUNDS = Number(process.env.BENCH_RPC_INTEROP_ROUNDS ?? 5);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** The interop pairs, grpc-js server first and bricks second; each round swaps who runs first. */
const interopPairs: readonly (readonly [GrpcInteropId, GrpcInteropId])[] = [
  ['grpcjs-to-grpcjs', 'grpcjs-to-bricks'],
  ['grpcjs-to-grpcjs-stream', 'grpcjs-to-bricks-stream'],
];

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a');
const ms = (n: number) => fmt(n, 2);

function row(label: string, r: LoadResult | Error): string {
  if (r instanceof Error) return `| ${label} | failed: ${r.message} | | | |`;
  return `| ${label} | ${fmt(r.callsPerSec)} | ${ms(r.p50Ms)} | ${ms(r.p99Ms)} | ${r.errors} |`;
}

/** What one `performance.now()` costs on this machine, in ns (the median of 5 runs of 2M readings). */
function clockReadingNs(): number {
  const runs: number[] = [];
  let sink = 0;
  for (let r = 0; r < 5; r++) {
    const n = 2_000_000;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) sink += performance.now();
    runs.push(Number(process.hrtime.bigint() - t0) / n);
  }
  if (sink === 0) throw new Error('the clock did not move');
  return runs.sort((x, y) => x - y)[2]!;
}

/**
 * The 2× goal as a per-call budget: what a call at twice Moleculer's rate may take, what of it
 * the harness's own async call and two clock readings (a latency histogram's) already take,
 * and what bricks' in-process call spends beyond both.
 */
function budgetLine(moleculer: LoadResult | undefined, fn: LoadResult | undefined, bricks: LoadResult | undefined, clockNs: number): string {
  if (moleculer === undefined || fn === undefined || bricks === undefined) return '- per-call budget: n/a (a row failed)';
  const ns = (callsPerSec: number): number => 1e9 / callsPerSec;
  const budget = ns(2 * moleculer.callsPerSec);
  const left = budget - ns(fn.callsPerSec) - 2 * clockNs;
  const spent = ns(bricks.callsPerSec) - ns(fn.callsPerSec) - 2 * clockNs;
  return `- per call: 2× Moleculer's rate leaves ${fmt(budget)} ns; the harness's plain async call takes ${fmt(ns(fn.callsPerSec))} ns and two clock readings ${fmt(2 * clockNs)} ns (one \`performance.now()\`: ${fmt(clockNs, 1)} ns here), which leaves **${fmt(left)} ns** for the deadline, both span ids, the call context, both copies and both histograms; bricks spends ${fmt(spent)} ns on them`;
}

const suite: BenchSuite = {
  name: 'rpc',
  title: 'RPC: bricks fast path vs gRPC, Connect, Moleculer and raw TCP',
  async run(progress) {
    const seconds = Number(process.env.BENCH_RPC_SECONDS ?? 3);
    // The machine is shared: the load average says how much of it the rows had.
    const loadBefore = loadavg()[0]!;
    const shape: LoadShape = { inflight: INFLIGHT, warmupMs: WARMUP_MS, durationMs: seconds * 1000 };
    const results = new Map<PeerId, LoadResult | Error>();
    for (const id of Object.keys(peers) as PeerId[]) {
      progress(`${id} …`);
      const r = await runPair(id, shape).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
      results.set(id, r);
      progress(r instanceof Error ? `${id}: ${r.message}` : `${id}: ${fmt(r.callsPerSec)} calls/s, p50 ${ms(r.p50Ms)} ms, p99 ${ms(r.p99Ms)} ms`);
    }
    const interop = new Map<GrpcInteropId, LoadResult[]>();
    const interopFailures: string[] = [];
    for (let round = 0; round < INTEROP_ROUNDS; round++) {
      for (const pair of interopPairs) {
        for (const id of round % 2 === 0 ? pair : [pair[1], pair[0]]) {
          progress(`${id} (round ${round + 1}/${INTEROP_ROUNDS}) …`);
          try {
            const r = await runPair(id, shape);
            (interop.get(id) ?? interop.set(id, []).get(id)!).push(r);
            progress(`${id}: ${fmt(r.callsPerSec)} calls/s, p99 ${ms(r.p99Ms)} ms`);
          } catch (err) {
            interopFailures.push(`${id}: ${err instanceof Error ? err.message : String(err)}`);
          }
        }
      }
    }
    // The same comparison with both servers loaded at once by one client process (half the
    // calls in flight each): whatever else the machine runs slows both sides alike.
    const sideBySide = new Map<GrpcInteropId, SideResult[]>();
    for (let round = 0; round < INTEROP_ROUNDS; round++) {
      for (const [g, b] of interopPairs) {
        progress(`${g} + ${b} side by side (round ${round + 1}/${INTEROP_ROUNDS}) …`);
        try {
          const [rg, rb] = await runSideBySide(g, b, { ...shape, inflight: INFLIGHT / 2 });
          (sideBySide.get(g) ?? sideBySide.set(g, []).get(g)!).push(rg);
          (sideBySide.get(b) ?? sideBySide.set(b, []).get(b)!).push(rb);
          progress(`grpc-js ${fmt(rg.callsPerSec)}, bricks ${fmt(rb.callsPerSec)} calls/s`);
        } catch (err) {
          interopFailures.push(`${g} + ${b}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
    }
    const colocated = new Map<string, LoadResult | Error>();
    for (const kind of colocatedKinds) {
      progress(`co-located ${kind} …`);
      colocated.set(kind, await runColocated(kind, shape).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err)))));
    }

    const clockNs = clockReadingNs();
    const loadAfter = loadavg()[0]!;
    const ok = (id: PeerId) => {
      const r = results.get(id);
      return r instanceof Error ? undefined : r;
    };
    // The headline is the real SDK call path (client() → serve() over the fast transport); the
    // bare FastClient/FastServer row is the transport's own ceiling.
    const fast = ok('sdk-fast');
    const bare = ok('fast');
    const grpc = ok('grpc-js');
    const raw = ok('raw-tcp');
    const colOk = (kind: string) => {
      const r = colocated.get(kind);
      return r === undefined || r instanceof Error ? undefined : r;
    };
    const ratio = (a: number | undefined, b: number | undefined) => (a !== undefined && b !== undefined && b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a');
    const colRow = (label: string, r: LoadResult | Error | undefined) =>
      r === undefined ? `| ${label} | n/a |` : r instanceof Error ? `| ${label} | failed: ${r.message} |` : `| ${label} | ${fmt(r.callsPerSec)} |`;

    const med = (id: GrpcInteropId, f: (r: LoadResult) => number): number => median((interop.get(id) ?? []).map(f));
    const interopRow = (id: GrpcInteropId): string => {
      const runs = interop.get(id) ?? [];
      const perCall = id.endsWith('-stream') ? TICKS_PER_CALL : 1;
      const calls = med(id, (r) => r.callsPerSec);
      return `| ${grpcInteropPeers[id].label} | ${fmt(calls)} | ${fmt(calls * perCall)} | ${ms(med(id, (r) => r.p50Ms))} | ${ms(med(id, (r) => r.p99Ms))} | ${runs.reduce((n, r) => n + r.errors, 0)} | ${runs.map((r) => fmt(r.callsPerSec)).join(' / ')} |`;
    };
    const interopRatio = (bricks: GrpcInteropId, grpcjs: GrpcInteropId, what: string): string =>
      `- ${what}: throughput bricks ÷ grpc-js **${ratio(med(bricks, (r) => r.callsPerSec), med(grpcjs, (r) => r.callsPerSec))}** (goal ≥ 1.0×); p99 bricks ÷ grpc-js ${ratio(med(bricks, (r) => r.p99Ms), med(grpcjs, (r) => r.p99Ms))} (goal ≤ 1.0×)`;
    const sideRatios = (bricks: GrpcInteropId, grpcjs: GrpcInteropId, f: (r: SideResult) => number): string => {
      const b = sideBySide.get(bricks) ?? [];
      const g = sideBySide.get(grpcjs) ?? [];
      return median(b.map((r, i) => f(r) / f(g[i]!))).toFixed(2) + '×';
    };
    const sideRow = (bricks: GrpcInteropId, grpcjs: GrpcInteropId, what: string): string => {
      const b = sideBySide.get(bricks) ?? [];
      const g = sideBySide.get(grpcjs) ?? [];
      const runs = b.map((r, i) => `${fmt(g[i]!.callsPerSec)} vs ${fmt(r.callsPerSec)}`).join(' / ');
      const cpu = (rs: SideResult[]): string => fmt(median(rs.map((r) => r.serverCpuUsPerCall)));
      return `| ${what} | ${fmt(median(g.map((r) => r.callsPerSec)))} | ${fmt(median(b.map((r) => r.callsPerSec)))} | **${sideRatios(bricks, grpcjs, (r) => r.callsPerSec)}** | ${sideRatios(bricks, grpcjs, (r) => r.p99Ms)} | ${cpu(g)} / ${cpu(b)} | ${sideRatios(bricks, grpcjs, (r) => r.serverCpuUsPerCall)} | ${runs} |`;
    };

    return [
      `Unary call with a small protobuf message (\`bench.v1.EchoRequest\`: a string and an int32), echoed back. One client process → one server process on 127.0.0.1, ${INFLIGHT} calls in flight, ${WARMUP_MS / 1000} s warm-up, then ${seconds} s measured per row. Latency is per call as the caller sees it. 1-minute load average on this ${cpus().length}-core machine: ${loadBefore.toFixed(1)} at the start, ${loadAfter.toFixed(1)} at the end (other work was running; stacks that need many wake-ups per call suffer most from that).`,
      '',
      '| stack | calls/s | p50 ms | p99 ms | errors |',
      '|---|---:|---:|---:|---:|',
      ...(Object.keys(peers) as PeerId[]).map((id) => row(peers[id].label, results.get(id)!)),
      '',
      `- throughput, bricks SDK over the fast path ÷ @grpc/grpc-js: **${ratio(fast?.callsPerSec, grpc?.callsPerSec)}** (goal ≥ 5×)`,
      `- p50, bricks SDK over the fast path ÷ raw TCP ping-pong: **${ratio(fast?.p50Ms, raw?.p50Ms)}** (goal ≤ 3×)`,
      `- throughput, bricks SDK over the fast path ÷ Moleculer TCP: ${ratio(fast?.callsPerSec, ok('moleculer')?.callsPerSec)}; ÷ connect-node gRPC: ${ratio(fast?.callsPerSec, ok('connect-grpc')?.callsPerSec)}; ÷ bare FastClient/FastServer: ${ratio(fast?.callsPerSec, bare?.callsPerSec)}`,
      '',
      'Notes: the raw TCP row echoes a pre-encoded message (no protobuf, no RPC layer) with one socket write per call; the fast path coalesces the frames of an event-loop turn into one write, which is why its p50 can come out below that of raw TCP at 100 in flight. Moleculer uses its default JSON serializer. The "bricks SDK" rows are the whole SDK call path (typed client with deadline, tracing span ids and traceparent, metrics, breaker, bulkhead, balancer and retries; `serve()` with dispatch, call context and server span), over the fast transport and over Connect; no OpenTelemetry SDK is registered, so spans are ids only.',
      '',
      `A stock \`@grpc/grpc-js\` client (no bricks code on its side) calling a \`@grpc/grpc-js\` server and a bricks SDK \`serve()\` (its one port, which also speaks Connect, gRPC-Web and the fast transport) with the same handler: unary \`Echo\`, and \`Ticks\`, a server stream of ${TICKS_PER_CALL} messages per call. ${INFLIGHT} calls in flight, ${WARMUP_MS / 1000} s warm-up, ${seconds} s measured; ${INTEROP_ROUNDS} rounds, the two servers alternating (each round swaps which runs first); the table gives the medians and every run's calls/s.`,
      '',
      '| client → server | calls/s | messages/s | p50 ms | p99 ms | errors | calls/s per run |',
      '|---|---:|---:|---:|---:|---:|---|',
      ...interopPairs.flatMap(([g, b]) => [interopRow(g), interopRow(b)]),
      '',
      interopRatio('grpcjs-to-bricks', 'grpcjs-to-grpcjs', 'unary'),
      interopRatio('grpcjs-to-bricks-stream', 'grpcjs-to-grpcjs-stream', `server stream of ${TICKS_PER_CALL}`),
      '',
      `Side by side: the two servers (each in its own process) loaded at the same time by one client process, ${INFLIGHT / 2} calls in flight to each, ${INTEROP_ROUNDS} rounds; ratios are the median of the rounds' ratios. Both sides share whatever else the machine is doing, so this is the steadier comparison on a busy machine.`,
      '',
      '| calls | grpc-js server calls/s | bricks server calls/s | throughput bricks ÷ grpc-js | p99 bricks ÷ grpc-js | server CPU µs per call, grpc-js / bricks | CPU per call bricks ÷ grpc-js | per round (grpc-js vs bricks) |',
      '|---|---:|---:|---:|---:|---:|---:|---|',
      sideRow('grpcjs-to-bricks', 'grpcjs-to-grpcjs', 'unary'),
      sideRow('grpcjs-to-bricks-stream', 'grpcjs-to-grpcjs-stream', `server stream of ${TICKS_PER_CALL}`),
      ...(interopFailures.length > 0 ? ['', `Failed runs: ${interopFailures.join('; ')}`] : []),
      '',
      'The bricks server answers plain gRPC (protobuf, no compression) straight off `node:http2` streams: one `respond`, one framed message, constant trailers, no compat request/response objects and no ConnectRPC handler in between (`packages/sdk/src/server/grpc/`); Connect, gRPC-Web and compressed gRPC on the same port still go through ConnectRPC. In this one client → one server shape the grpc-js client process is usually the busier one (it is the same client for both servers), which is why the CPU each server spends per call is the clearer figure. What a bricks call does that the grpc-js handler does not: a deadline for every call (the policy\'s 5 s when the caller sends none), span ids and traceparent, the latency histogram, and for streams the call context across the handler\'s awaits: an `async function*` handler runs its steps in AsyncLocalStorage, which on Node 20 puts a hook on every promise of the process while a stream runs (without sockets the SDK spends about 30 µs of CPU on a 10-message stream, a third of it on that storage).',
      '',
      `Co-located calls (one process, ${INFLIGHT} in flight, counted without per-call latency: reading the clock twice per call would cost as much as the call):`,
      '',
      '| caller | calls/s |',
      '|---|---:|',
      colRow('plain async function call', colocated.get('function')),
      colRow('the same call timed into a latency histogram (two clock readings): the floor of any call with metrics', colocated.get('function-timed')),
      colRow('Moleculer local `broker.call` (transporter: null, defaults)', colocated.get('moleculer-local')),
      colRow('Moleculer local `broker.call` with requestTimeout, metrics, tracing and contextParamsCloning on', colocated.get('moleculer-local-full')),
      colRow('bricks in-process call (`client()` of a service `serve()`d in the same process), handler returns its answer', colocated.get('bricks-in-process')),
      colRow('bricks in-process call, `async` handler', colocated.get('bricks-in-process-async')),
      '',
      `- throughput, bricks in-process ÷ Moleculer local (defaults): **${ratio(colOk('bricks-in-process')?.callsPerSec, colOk('moleculer-local')?.callsPerSec)}** (goal ≥ 2×); ÷ plain async function: ${ratio(colOk('bricks-in-process')?.callsPerSec, colOk('function')?.callsPerSec)}`,
      `- the floor (a timed function call) ÷ Moleculer local (defaults): ${ratio(colOk('function-timed')?.callsPerSec, colOk('moleculer-local')?.callsPerSec)}: what any call that records its latency could reach at most, before its deadline, span, copies and dispatch`,
      budgetLine(colOk('moleculer-local'), colOk('function'), colOk('bricks-in-process'), clockNs),
      `- throughput, bricks in-process ÷ Moleculer local with the same duties (timeout, metrics, tracing, cloned params): ${ratio(colOk('bricks-in-process')?.callsPerSec, colOk('moleculer-local-full')?.callsPerSec)}; \`async\` handler ÷ Moleculer local (defaults): ${ratio(colOk('bricks-in-process-async')?.callsPerSec, colOk('moleculer-local')?.callsPerSec)}`,
      '',
      'Both sides run the same handler: it returns `{ name, n }` from the request. The bricks in-process call keeps what a remote call has: a deadline (enforced while the handler is pending), client and server span ids, both latency histograms (one clock reading at each end serves both), the call context for nested calls, and copies of request and response (a message of only scalar fields made from a plain object is not copied: nothing else holds it). Moleculer\'s local call by default has no timeout, no metrics, no tracing, and hands the caller\'s object to the action as is. An `async` handler\'s call context must cross its awaits, which on Node 20 only AsyncLocalStorage does: it puts a hook on every promise of the process, which is most of the difference between the two bricks rows.',
    ].join('\n');
  },
};

export default suite;
