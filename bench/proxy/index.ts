// Proxy benchmark: the bricks service proxy against nginx (1 worker, upstream keep-alive) in
// front of the same two node:http replicas, plus the replicas hit directly as the ceiling.
// Small GETs over HTTP/1.1 keep-alive, loaded by wrk; each proxy runs alone in its own process.
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchSuite } from '../suite.ts';
import { missingTools, nginxArgv } from './nginx.ts';
import { cpuSeconds, nodeArgv, startChild, type Child } from './processes.ts';
import { runWrk, type WrkResult, type WrkShape } from './wrk.ts';

/** Run length and repetitions; BRICKS_BENCH_SECONDS / BRICKS_BENCH_ROUNDS shorten them while
 * developing. 10 s per run as the brief asks; 3 rounds, alternating peers, so a burst of
 * background load hits both and the median drops it. */
const seconds = Number(process.env.BRICKS_BENCH_SECONDS ?? 10);
const rounds = Number(process.env.BRICKS_BENCH_ROUNDS ?? 3);
/** Warm-up before measuring: JIT, pooled connections on both proxies. */
const warmupSeconds = Math.min(3, seconds);
/** wrk shape: 1 thread, 50 keep-alive connections. */
const load: Omit<WrkShape, 'seconds'> = { threads: 1, connections: 50 };

interface Row {
  readonly name: string;
  readonly result: WrkResult;
  /** CPU seconds the proxy process(es) used per 10k requests; undefined for direct. */
  readonly cpuPer10k: number | undefined;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function measure(name: string, port: number, proxyPid: number | undefined, progress: (line: string) => void): Promise<Row> {
  const url = `http://127.0.0.1:${port}/`;
  await runWrk(url, { ...load, seconds: warmupSeconds });
  const cpuBefore = proxyPid === undefined ? 0 : cpuSeconds(proxyPid);
  const result = await runWrk(url, { ...load, seconds });
  const cpu = proxyPid === undefined ? undefined : cpuSeconds(proxyPid) - cpuBefore;
  const row: Row = { name, result, cpuPer10k: cpu === undefined ? undefined : (cpu / result.requests) * 10_000 };
  progress(`${name}: ${Math.round(result.requestsPerSec)} req/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, errors ${result.errors}${cpu === undefined ? '' : `, proxy cpu ${cpu.toFixed(2)} s`}`);
  return row;
}

function median(rows: readonly Row[]): Row {
  const sorted = [...rows].sort((a, b) => a.result.requestsPerSec - b.result.requestsPerSec);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function fmt(n: number, digits = 2): string {
  return n.toFixed(digits);
}

function table(direct: Row, nginx: Row, bricks: Row, all: { nginx: Row[]; bricks: Row[] }): string {
  const line = (r: Row): string =>
    `| ${r.name} | ${Math.round(r.result.requestsPerSec)} | ${fmt(r.result.p50Ms)} | ${fmt(r.result.p99Ms)} | ${r.result.errors} | ${r.cpuPer10k === undefined ? '-' : fmt(r.cpuPer10k)} |`;
  const ratioRps = bricks.result.requestsPerSec / nginx.result.requestsPerSec;
  const ratioP99 = bricks.result.p99Ms / nginx.result.p99Ms;
  const per = (rows: Row[]): string => rows.map((r) => `${Math.round(r.result.requestsPerSec)} req/s p99 ${fmt(r.result.p99Ms)} ms`).join('; ');
  return [
    `Small GET (100-byte body) over HTTP/1.1 keep-alive, 2 node:http replicas (one process each), wrk -t${load.threads} -c${load.connections} -d${seconds}s after a ${warmupSeconds} s warm-up; median of ${rounds} alternating rounds. nginx runs 1 worker; the bricks proxy is one Node process (one thread). Nothing is pinned: wrk, the proxy and the replicas share the machine's cores.`,
    '',
    '| target | req/s | p50 ms | p99 ms | errors | proxy CPU s per 10k req |',
    '|---|---:|---:|---:|---:|---:|',
    line(direct),
    line(nginx),
    line(bricks),
    '',
    `| ratio bricks ÷ nginx | throughput | p99 |`,
    '|---|---:|---:|',
    `| | ${fmt(ratioRps)}× | ${fmt(ratioP99)}× |`,
    '',
    `Rounds: nginx ${per(all.nginx)}. bricks ${per(all.bricks)}.`,
  ].join('\n');
}

const suite: BenchSuite = {
  name: 'proxy',
  title: 'Service proxy: bricks vs nginx over 2 replicas (HTTP/1.1 keep-alive)',
  async run(progress) {
    const missing = missingTools();
    if (missing !== undefined) throw new Error(`proxy benchmark needs nginx and wrk: ${missing}`);
    const dir = mkdtempSync(join(tmpdir(), 'bricks-bench-proxy-'));
    const children: Child[] = [];
    try {
      const ports: number[] = [];
      for (const id of ['r0', 'r1']) {
        const { child, port } = await startChild(nodeArgv('./upstream.ts', [id]), `replica ${id}`);
        children.push(child);
        ports.push(port);
      }
      const bricks = await startChild(nodeArgv('./bricks-proxy.ts', ports.map(String)), 'bricks proxy');
      children.push(bricks.child);
      const nginxPort = await freePort();
      const nginx = nginxArgv(nginxPort, ports, dir);
      const nginxChild = await startNginx(nginx, nginxPort);
      children.push(nginxChild);
      progress(`replicas on ${ports.join(', ')}; nginx on ${nginxPort} (pid ${nginxChild.pid}); bricks on ${bricks.port} (pid ${bricks.child.pid})`);

      const direct = await measure('direct (one replica)', ports[0]!, undefined, progress);
      const all = { nginx: [] as Row[], bricks: [] as Row[] };
      for (let i = 0; i < rounds; i++) {
        all.nginx.push(await measure('nginx 1 worker', nginxPort, nginxChild.pid, progress));
        all.bricks.push(await measure('bricks proxy', bricks.port, bricks.child.pid, progress));
      }
      return table(direct, median(all.nginx), median(all.bricks), all);
    } finally {
      for (const child of children.reverse()) await child.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

/** nginx prints nothing when ready, so wait until its port accepts connections. */
async function startNginx(argv: string[], port: number): Promise<Child> {
  const { spawn } = await import('node:child_process');
  const proc = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'ignore', 'inherit'] });
  const child: Child = {
    process: proc,
    pid: proc.pid ?? -1,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`nginx exited with ${proc.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return child;
    if (Date.now() > deadline) {
      await child.stop();
      throw new Error('nginx did not start listening within 10 s');
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

export default suite;
