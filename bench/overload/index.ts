// Overload: one SDK service's capacity, then 2× and 4× that offered to it by a stock grpc-js
// client (an open loop at a rate, 2 s deadlines) and by wrk (Connect JSON over HTTP/1.1, the
// deadline in connect-timeout-ms), with overload protection on (the defaults) and off
// (`x-bricks.resilience.overload.enabled: false`: the SDK as it was before it, as the baseline),
// side by side in the same run, alternating which side goes first.
import { loadavg } from 'node:os';
import type { BenchSuite } from '../suite.ts';
import { median } from '../rolling/shared.ts';
import { grpcCapacity, grpcClient, grpcOpenLoop, percentile, startService, wrkLoad, type Outcome } from './load.ts';

/** Rounds per side: BRICKS_BENCH_ROUNDS changes it. */
const rounds = Number(process.env.BRICKS_BENCH_ROUNDS ?? 3);
/**
 * CPU per call in the service, ms. 5 ms keeps 4× its capacity (about 800 calls/s) within what
 * one grpc-js client process can send on this machine (it spends most of a millisecond of CPU
 * per call): the client must not be what is measured.
 */
const WORK_MS = 5;
const DEADLINE_MS = 2000;
const LOAD_MS = 5000;
const CAPACITY_MS = 3000;
/** Callers of the capacity measure: enough to keep the service busy while each waits for its answer. */
const CAPACITY_INFLIGHT = 16;
const MULTIPLES = [2, 4] as const;

type Side = 'on' | 'off';
type Client = 'grpc-js' | 'wrk';
interface Row {
  goodput: number[];
  /** Goodput ÷ the capacity measured in the same round. */
  share: number[];
  expired: number[];
  refused: number[];
  refusalP99: number[];
  offered: number[];
}

function loadAvg(): string {
  return loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
}

/** Each load against a fresh service process, so that one load's backlog never meets the next. */
async function side(limiter: boolean, capacity: number, rows: Map<string, Row>, sideName: Side, progress: (line: string) => void): Promise<void> {
  for (const m of MULTIPLES) {
    const rate = capacity * m;
    for (const c of ['grpc-js', 'wrk'] as const) {
      const service = await startService({ limiter, workMs: WORK_MS });
      try {
        let o: Outcome;
        if (c === 'grpc-js') {
          // Stock grpc-js (channelz off: it doubles the client's CPU per call on a two-core machine).
          const load = await grpcClient(service.port, { 'grpc.enable_channelz': 0 });
          try {
            o = await grpcOpenLoop(load, rate, LOAD_MS, DEADLINE_MS);
          } finally {
            load.close();
          }
        } else {
          // wrk: one call per connection per second on average while answers come fast.
          o = await wrkLoad(service.port, { connections: Math.round(rate), pauseMs: 1000, durationS: LOAD_MS / 1000, deadlineMs: DEADLINE_MS });
        }
        record(rows, key(sideName, c, m), o, capacity);
        progress(`${sideName} ${c} ${m}×: ${line(o)} (load ${loadAvg()})`);
      } finally {
        await service.stop();
      }
    }
  }
}

function key(s: Side, c: Client, m: number): string {
  return `${s}|${c}|${m}`;
}

function record(rows: Map<string, Row>, k: string, o: Outcome, capacity: number): void {
  let r = rows.get(k);
  if (r === undefined) rows.set(k, (r = { goodput: [], share: [], expired: [], refused: [], refusalP99: [], offered: [] }));
  r.goodput.push((o.ok * 1000) / o.durationMs);
  r.share.push((o.ok * 1000) / o.durationMs / capacity);
  r.expired.push(o.expired);
  r.refused.push(o.refused);
  r.offered.push((o.offered * 1000) / o.durationMs);
  if (o.refusedMs.length > 0) r.refusalP99.push(percentile(o.refusedMs, 99));
}

function line(o: Outcome): string {
  const p99 = o.refusedMs.length > 0 ? `, refusals p99 ${percentile(o.refusedMs, 99).toFixed(1)} ms` : '';
  return `${Math.round((o.offered * 1000) / o.durationMs)} calls/s offered, ${Math.round((o.ok * 1000) / o.durationMs)} answered/s in time, ${o.refused} refused, ${o.expired} without an answer by the deadline${p99}`;
}

const suite: BenchSuite = {
  name: 'overload',
  title: 'Overload: goodput at 2× and 4× one service’s capacity, with overload protection and without (grpc-js, wrk)',
  async run(progress) {
    const capacities: number[] = [];
    const loads: string[] = [];
    const rows = new Map<string, Row>();
    for (let round = 1; round <= rounds; round++) {
      // Capacity: the plain service (limiter off), saturated by a closed loop of a few callers.
      const plain = await startService({ limiter: false, workMs: WORK_MS });
      let capacity: number;
      try {
        const load = await grpcClient(plain.port, { 'grpc.enable_channelz': 0 });
        try {
          await grpcCapacity(load, CAPACITY_INFLIGHT, 500); // warm-up
          capacity = await grpcCapacity(load, CAPACITY_INFLIGHT, CAPACITY_MS);
        } finally {
          load.close();
        }
      } finally {
        await plain.stop();
      }
      capacities.push(capacity);
      loads.push(loadAvg());
      progress(`round ${round}: capacity ${Math.round(capacity)} calls/s (load ${loadAvg()})`);
      const order: readonly Side[] = round % 2 === 1 ? ['on', 'off'] : ['off', 'on'];
      for (const s of order) await side(s === 'on', capacity, rows, s, progress);
    }
    const capacity = median(capacities);
    const cell = (s: Side, c: Client, m: number): string => {
      const r = rows.get(key(s, c, m));
      if (r === undefined) return '-';
      const g = median(r.goodput);
      const p99 = r.refusalP99.length > 0 ? `${median(r.refusalP99).toFixed(1)} ms` : c === 'wrk' ? 'n/a (wrk cannot time calls singly)' : '-';
      return `${Math.round(median(r.offered))} | ${Math.round(g)} (${Math.round(median(r.share) * 100)}%) | ${median(r.expired)} | ${median(r.refused)} | ${p99}`;
    };
    const table = [
      '| client | offered | side | offered calls/s | answered in time /s (÷ that round\'s capacity) | callers without an answer by the deadline | refused | refusal p99 |',
      '|---|---|---|---|---|---|---|---|',
    ];
    for (const c of ['grpc-js', 'wrk'] as const) {
      for (const m of MULTIPLES) {
        table.push(`| ${c} | ${m}× | protection on | ${cell('on', c, m)} |`);
        table.push(`| ${c} | ${m}× | off (baseline) | ${cell('off', c, m)} |`);
      }
    }
    return [
      `One SDK service (bench/overload/service.ts: each call awaits once, then spends ${WORK_MS} ms of CPU), in its own process on loopback. Capacity: a closed loop of ${CAPACITY_INFLIGHT} grpc-js callers against it with protection off, median of ${rounds}: **${Math.round(capacity)} calls/s** (rounds: ${capacities.map((x) => Math.round(x)).join(', ')}). Then ${LOAD_MS / 1000} s at 2× and 4× that, every call with a ${DEADLINE_MS / 1000} s deadline: grpc-js as an open loop at the rate (one client, channelz off); wrk with one connection per call/s, each sending its next call a random 0–2 s after an answer (so the rate holds only while answers come fast: wrk is a closed loop).`,
      '',
      `Baseline: the same program with \`x-bricks.resilience.overload: { enabled: false }\`, which takes the SDK's server back to what it did before overload protection (no limit, no refusals, handlers started as calls arrive); the client-side throttle does not take part (grpc-js and wrk are not SDK clients). Medians of ${rounds} rounds per side, sides alternating which goes first. Load average (1/5/15 min) at each round's start: ${loads.join('; ')} — other work shared this 2-core machine, so absolute numbers are noisy; the sides ran under the same conditions.`,
      '',
      ...table,
      '',
      'Goals: goodput ≥ 90% of capacity, 0 callers without an answer by their deadline, refusals answered within 5 ms at p99. "Without an answer by the deadline" is what a caller sees of an answer that comes too late: grpc-js ends the call with DEADLINE_EXCEEDED at its deadline, wrk counts a timeout.',
    ].join('\n');
  },
};

export default suite;
