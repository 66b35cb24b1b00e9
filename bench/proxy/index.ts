// Proxy benchmark: the bricks service proxy against nginx (1 worker, upstream keep-alive) in
// front of the same two replicas, plus one replica hit directly as the ceiling. HTTP/1.1:
// small GETs on keep-alive connections, loaded by wrk. h2c: gRPC-shaped unary calls, loaded by
// h2load, with nginx's grpc_pass as the peer. Every server runs alone in its own process.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchSuite } from '../suite.ts';
import { grpcBody, runH2Load } from './h2load.ts';
import { missingTools, nginxArgv } from './nginx.ts';
import { cpuSeconds, nodeArgv, startChild, startProcess, type Child } from './processes.ts';
import { runWrk } from './wrk.ts';
import { freePort } from '../engines/ports.ts';

/** Run length and repetitions; BRICKS_BENCH_SECONDS / BRICKS_BENCH_ROUNDS shorten them while
 * developing. 10 s per run as the brief asks; 3 rounds, alternating peers, so a burst of
 * background load on this shared machine hits both and the median drops it. */
const seconds = Number(process.env.BRICKS_BENCH_SECONDS ?? 10);
const rounds = Number(process.env.BRICKS_BENCH_ROUNDS ?? 3);
/** Which parts to run (BRICKS_BENCH_PROXY_PARTS=http1 or h2c while developing); both by default. */
const parts = (process.env.BRICKS_BENCH_PROXY_PARTS ?? 'http1,h2c').split(',');
/** Warm-up before measuring: JIT, pooled connections on both proxies. */
const warmupSeconds = Math.min(3, seconds);
/** wrk: 1 thread, 50 keep-alive connections. */
const wrkShape = { threads: 1, connections: 50 };
/** h2load: 10 connections × 10 concurrent streams, like a few gRPC channels under load. */
const h2Shape = { connections: 10, streams: 10 };

interface Sample {
  readonly requestsPerSec: number;
  readonly p50Ms?: number;
  readonly p99Ms?: number;
  readonly meanMs?: number;
  readonly errors: number;
  /** Proxy CPU seconds per 10k requests and cores it kept busy; undefined for direct. */
  readonly cpuPer10k?: number;
  readonly cores?: number;
}

type Load = (port: number, seconds: number) => Promise<Omit<Sample, 'cpuPer10k' | 'cores'> & { requests: number }>;

async function measure(name: string, load: Load, port: number, pid: number | undefined, progress: (line: string) => void): Promise<Sample> {
  await load(port, warmupSeconds);
  const before = pid === undefined ? 0 : cpuSeconds(pid);
  const r = await load(port, seconds);
  const cpu = pid === undefined ? undefined : cpuSeconds(pid) - before;
  const sample: Sample = { ...r, cpuPer10k: cpu === undefined ? undefined : (cpu / r.requests) * 10_000, cores: cpu === undefined ? undefined : cpu / seconds };
  const lat = r.p99Ms === undefined ? `mean ${fmt(r.meanMs)} ms` : `p50 ${fmt(r.p50Ms)} ms, p99 ${fmt(r.p99Ms)} ms`;
  progress(`${name}: ${Math.round(r.requestsPerSec)} req/s, ${lat}, errors ${r.errors}${cpu === undefined ? '' : `, proxy cpu ${cpu.toFixed(2)} s`}`);
  return sample;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Each metric's median over the rounds (errors: the sum). */
function summary(samples: readonly Sample[]): Sample {
  const of = (pick: (s: Sample) => number | undefined): number | undefined => {
    const values = samples.map(pick).filter((v): v is number => v !== undefined);
    return values.length === 0 ? undefined : median(values);
  };
  return {
    requestsPerSec: of((s) => s.requestsPerSec)!,
    p50Ms: of((s) => s.p50Ms),
    p99Ms: of((s) => s.p99Ms),
    meanMs: of((s) => s.meanMs),
    errors: samples.reduce((n, s) => n + s.errors, 0),
    cpuPer10k: of((s) => s.cpuPer10k),
    cores: of((s) => s.cores),
  };
}

function fmt(n: number | undefined, digits = 2): string {
  return n === undefined ? '-' : n.toFixed(digits);
}

interface Contender {
  readonly name: string;
  readonly port: number;
  readonly pid?: number;
}

/** Direct once, then the proxies alternating for `rounds`; returns each one's summary. */
async function compare(load: Load, direct: Contender, proxies: readonly Contender[], progress: (line: string) => void): Promise<Map<string, Sample[]>> {
  const samples = new Map<string, Sample[]>([[direct.name, [await measure(direct.name, load, direct.port, undefined, progress)]]]);
  for (let i = 0; i < rounds; i++) {
    for (const p of proxies) {
      const s = await measure(p.name, load, p.port, p.pid, progress);
      samples.set(p.name, [...(samples.get(p.name) ?? []), s]);
    }
  }
  return samples;
}

function section(opts: {
  heading: string;
  intro: string;
  latency: 'percentiles' | 'mean';
  samples: Map<string, Sample[]>;
  bricks: string;
  nginx: string;
}): string {
  const rows = [...opts.samples].map(([name, s]) => [name, summary(s)] as const);
  const cols = opts.latency === 'percentiles' ? '| target | req/s | p50 ms | p99 ms | errors | proxy CPU s / 10k req | proxy cores busy |' : '| target | req/s | mean ms | errors | proxy CPU s / 10k req | proxy cores busy |';
  const line = ([name, s]: readonly [string, Sample]): string =>
    opts.latency === 'percentiles'
      ? `| ${name} | ${Math.round(s.requestsPerSec)} | ${fmt(s.p50Ms)} | ${fmt(s.p99Ms)} | ${s.errors} | ${fmt(s.cpuPer10k)} | ${fmt(s.cores)} |`
      : `| ${name} | ${Math.round(s.requestsPerSec)} | ${fmt(s.meanMs)} | ${s.errors} | ${fmt(s.cpuPer10k)} | ${fmt(s.cores)} |`;
  const b = summary(opts.samples.get(opts.bricks)!);
  const n = summary(opts.samples.get(opts.nginx)!);
  const latencyRatio = opts.latency === 'percentiles' ? `${fmt(b.p99Ms! / n.p99Ms!)}× p99` : `${fmt(b.meanMs! / n.meanMs!)}× mean latency`;
  const rounds = [...opts.samples]
    .filter(([name]) => name === opts.bricks || name === opts.nginx)
    .map(([name, s]) => `${name}: ${s.map((x) => `${Math.round(x.requestsPerSec)} req/s ${opts.latency === 'percentiles' ? `p99 ${fmt(x.p99Ms)}` : `mean ${fmt(x.meanMs)}`} ms`).join('; ')}`)
    .join('. ');
  return [
    `### ${opts.heading}`,
    '',
    opts.intro,
    '',
    cols,
    `|---|${opts.latency === 'percentiles' ? '---:|---:|---:|---:|---:|---:|' : '---:|---:|---:|---:|---:|'}`,
    ...rows.map(line),
    '',
    `**bricks ÷ nginx: ${fmt(b.requestsPerSec / n.requestsPerSec)}× throughput, ${latencyRatio}, ${fmt(b.cpuPer10k! / n.cpuPer10k!)}× CPU per request.**`,
    '',
    `Rounds (${rounds}).`,
  ].join('\n');
}

const suite: BenchSuite = {
  name: 'proxy',
  title: 'Service proxy: bricks vs nginx over 2 replicas (HTTP/1.1 keep-alive, h2c gRPC)',
  async run(progress) {
    const missing = missingTools();
    if (missing !== undefined) throw new Error(`proxy benchmark: ${missing}`);
    const dir = mkdtempSync(join(tmpdir(), 'bricks-bench-proxy-'));
    const children: Child[] = [];
    const start = async (argv: string[], what: string): Promise<{ child: Child; port: number }> => {
      const started = await startChild(argv, what);
      children.push(started.child);
      return started;
    };
    try {
      const h1: number[] = [];
      const h2: number[] = [];
      for (const id of ['r0', 'r1']) {
        h1.push((await start(nodeArgv('./upstream.ts', [id]), `replica ${id}`)).port);
        h2.push((await start(nodeArgv('./grpc-upstream.ts', [id]), `grpc replica ${id}`)).port);
      }
      const bricks1 = await start(nodeArgv('./bricks-proxy.ts', h1.map(String)), 'bricks proxy (HTTP/1.1 replicas)');
      const bricks2 = await start(nodeArgv('./bricks-proxy.ts', h2.map(String)), 'bricks proxy (h2c replicas)');
      const nginxPort = await freePort();
      const nginxGrpcPort = await freePort();
      const nginx = await startProcess(nginxArgv(nginxPort, h1, dir, { listenPort: nginxGrpcPort, upstreamPorts: h2 }), 'nginx', [nginxPort, nginxGrpcPort]);
      children.push(nginx);
      progress(`replicas ${h1.join(', ')} (HTTP/1.1), ${h2.join(', ')} (h2c); nginx pid ${nginx.pid}; bricks pids ${bricks1.child.pid}, ${bricks2.child.pid}`);

      const wrk: Load = (port, s) => runWrk(`http://127.0.0.1:${port}/`, { ...wrkShape, seconds: s });
      const http1 = !parts.includes('http1') ? undefined : await compare(wrk, { name: 'direct (one replica)', port: h1[0]! }, [
        { name: 'nginx, 1 worker', port: nginxPort, pid: nginx.pid },
        { name: 'bricks proxy', port: bricks1.port, pid: bricks1.child.pid },
      ], progress);

      const body = grpcBody(dir);
      const h2load: Load = (port, s) => runH2Load(`http://127.0.0.1:${port}/bench.v1.Echo/Echo`, body, { ...h2Shape, seconds: s });
      const grpc = !parts.includes('h2c') ? undefined : await compare(h2load, { name: 'direct (one replica)', port: h2[0]! }, [
        { name: 'nginx grpc_pass, 1 worker', port: nginxGrpcPort, pid: nginx.pid },
        { name: 'bricks proxy', port: bricks2.port, pid: bricks2.child.pid },
      ], progress);

      const common = `nginx runs 1 worker; each bricks proxy is one Node process (one thread); both add X-Forwarded-For and Forwarded. Nothing is pinned: load generator, proxies and replicas share the machine's cores, so "proxy cores busy" says what each proxy used. ${seconds} s runs after a ${warmupSeconds} s warm-up; the proxies alternate for ${rounds} rounds and each column is the median over them.`;
      return [
        http1 && section({
          heading: 'HTTP/1.1 keep-alive, small GET',
          intro: `2 node:http replicas returning 100 bytes; \`wrk -t${wrkShape.threads} -c${wrkShape.connections} --latency\`. ${common}`,
          latency: 'percentiles',
          samples: http1,
          bricks: 'bricks proxy',
          nginx: 'nginx, 1 worker',
        }),
        grpc && section({
          heading: 'h2c, gRPC-shaped unary calls',
          intro: `2 node:http2 replicas answering one 100-byte gRPC message with grpc-status trailers; \`h2load -c${h2Shape.connections} -m${h2Shape.streams}\` (h2load reports the mean, not percentiles). nginx proxies with grpc_pass over keep-alive upstream connections (one request per upstream connection at a time); bricks multiplexes one session per replica.`,
          latency: 'mean',
          samples: grpc,
          bricks: 'bricks proxy',
          nginx: 'nginx grpc_pass, 1 worker',
        }),
      ]
        .filter((x): x is string => x !== undefined)
        .join('\n\n');
    } finally {
      for (const child of children.reverse()) await child.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default suite;
