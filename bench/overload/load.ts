// The overload measures' moving parts, shared by the bench suite and the end-to-end test: the
// service in a child process (limiter on or off), a stock grpc-js client (a burst, an open loop
// at a rate, a closed loop for capacity) and wrk (Connect JSON over HTTP/1.1). Every call is
// classified by its caller: answered in time, refused (RESOURCE_EXHAUSTED / HTTP 429), expired
// (no answer by its deadline), or anything else.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import * as grpc from '@grpc/grpc-js';
import { RESILIENCE_VARIABLE } from '../../packages/sdk/src/config/platform-env-names.js';
import { EchoRequestSchema, EchoResponseSchema, type EchoRequest } from '../rpc/gen/bench/v1/bench_pb.ts';

const here = new URL('.', import.meta.url).pathname;
const ECHO = '/bench.v1.BenchService/Echo';
const request: EchoRequest = { $typeName: 'bench.v1.EchoRequest', name: 'player-42', n: 1 };

export interface Service {
  readonly port: number;
  /** Ends the child (stdin closes; SIGKILL after 5 s) and waits for it to exit. */
  stop(): Promise<void>;
}

/** The service in a child process; `limiter: false` is the SDK as it was before overload protection. */
export async function startService(opts: { limiter: boolean; workMs: number }): Promise<Service> {
  const env = { ...process.env, LOG_LEVEL: 'warn', [RESILIENCE_VARIABLE]: opts.limiter ? '' : JSON.stringify({ overload: { enabled: false } }) };
  const child = spawn(process.execPath, ['--import', 'tsx', `${here}service.ts`, String(opts.workMs)], { stdio: ['pipe', 'pipe', 'inherit'], env });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.stdin?.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the overload service did not start within 30 s')), 30_000);
      createInterface({ input: child.stdout }).on('line', (l) => {
        const m = /^READY (\d+)$/.exec(l);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      void exited.then(() => reject(new Error('the overload service exited before READY')));
    });
    return { port, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** How a set of calls ended, as their callers saw it. */
export interface Outcome {
  /** Answered within the deadline. */
  ok: number;
  /** Refused by the server (RESOURCE_EXHAUSTED, or HTTP 429). */
  refused: number;
  /** No answer by the deadline (DEADLINE_EXCEEDED, or wrk's timeout). */
  expired: number;
  other: number;
  /** Each refusal's time from call to answer, ms; empty where the client cannot time calls (wrk). */
  refusedMs: number[];
  /** The load's length, ms: goodput is ok ÷ this. */
  durationMs: number;
  /** Calls offered. */
  offered: number;
}

function empty(): Outcome {
  return { ok: 0, refused: 0, expired: 0, other: 0, refusedMs: [], durationMs: 0, offered: 0 };
}

export interface GrpcLoad {
  readonly client: grpc.Client;
  close(): void;
}

export async function grpcClient(port: number, options: grpc.ChannelOptions = {}): Promise<GrpcLoad> {
  const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), options);
  await new Promise<void>((resolve, reject) => client.waitForReady(Date.now() + 10_000, (e) => (e ? reject(e) : resolve())));
  return { client, close: () => client.close() };
}

const serialize = (m: EchoRequest): Buffer => Buffer.from(toBinary(EchoRequestSchema, m));
const deserialize = (b: Buffer): unknown => fromBinary(EchoResponseSchema, b);

/** One call with a deadline; it records itself in `out` and resolves when it has ended. */
function call(c: grpc.Client, deadlineMs: number, out: Outcome): Promise<void> {
  const started = performance.now();
  out.offered++;
  return new Promise((resolve) => {
    c.makeUnaryRequest(ECHO, serialize, deserialize, request, { deadline: Date.now() + deadlineMs }, (err) => {
      const ms = performance.now() - started;
      if (err === null) {
        // grpc-js ends a call at its deadline, so this is in time; checked anyway.
        if (ms <= deadlineMs) out.ok++;
        else out.expired++;
      } else if (err.code === grpc.status.RESOURCE_EXHAUSTED) {
        out.refused++;
        out.refusedMs.push(ms);
      } else if (err.code === grpc.status.DEADLINE_EXCEEDED) out.expired++;
      else out.other++;
      resolve();
    });
  });
}

/** `n` calls at once, each with `deadlineMs`. */
export async function grpcBurst(load: GrpcLoad, n: number, deadlineMs: number): Promise<Outcome> {
  const out = empty();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: n }, () => call(load.client, deadlineMs, out)));
  out.durationMs = performance.now() - t0;
  return out;
}

/**
 * One burst of `n` calls split over `clients` grpc-js client processes that start together;
 * their outcomes summed. Every child is killed if it has not finished in time.
 */
export async function grpcBurstFromProcesses(port: number, n: number, clients: number, deadlineMs: number): Promise<Outcome> {
  const children = Array.from({ length: clients }, (_, i) => {
    const share = Math.floor(n / clients) + (i < n % clients ? 1 : 0);
    return spawn(process.execPath, ['--import', 'tsx', `${here}burst-client.ts`, String(port), String(share), String(deadlineMs)], { stdio: ['pipe', 'pipe', 'inherit'] });
  });
  const killAll = (): void => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  };
  const timer = setTimeout(killAll, 60_000 + deadlineMs);
  try {
    const lines = children.map((c) => {
      const rl = createInterface({ input: c.stdout });
      const ready = new Promise<void>((resolve, reject) => {
        rl.on('line', (l) => l === 'READY' && resolve());
        c.once('exit', () => reject(new Error('a burst client exited before it was ready')));
      });
      const result = new Promise<Outcome>((resolve, reject) => {
        rl.on('line', (l) => l.startsWith('RESULT ') && resolve(JSON.parse(l.slice(7)) as Outcome));
        c.once('exit', (code) => reject(new Error(`a burst client exited with ${code} before its result`)));
      });
      result.catch(() => undefined);
      return { ready, result };
    });
    await Promise.all(lines.map((l) => l.ready));
    for (const c of children) c.stdin.write('go\n');
    const outs = await Promise.all(lines.map((l) => l.result));
    const sum = empty();
    for (const o of outs) {
      sum.ok += o.ok;
      sum.refused += o.refused;
      sum.expired += o.expired;
      sum.other += o.other;
      sum.offered += o.offered;
      sum.refusedMs.push(...o.refusedMs);
      sum.durationMs = Math.max(sum.durationMs, o.durationMs);
    }
    return sum;
  } finally {
    clearTimeout(timer);
    killAll();
  }
}

/** An open loop: `rate` calls per second for `durationMs`, whatever the answers; then waits for the last to end. */
export async function grpcOpenLoop(load: GrpcLoad, rate: number, durationMs: number, deadlineMs: number): Promise<Outcome> {
  const out = empty();
  const pending: Promise<void>[] = [];
  const t0 = performance.now();
  let sent = 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const elapsed = performance.now() - t0;
      const due = Math.floor((Math.min(elapsed, durationMs) * rate) / 1000);
      for (; sent < due; sent++) pending.push(call(load.client, deadlineMs, out));
      if (elapsed >= durationMs) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  await Promise.all(pending);
  out.durationMs = durationMs;
  return out;
}

/** A closed loop of `inflight` callers for `durationMs`: answers per second (the service's capacity when it is saturated). */
export async function grpcCapacity(load: GrpcLoad, inflight: number, durationMs: number): Promise<number> {
  const out = empty();
  const t0 = performance.now();
  const worker = async (): Promise<void> => {
    while (performance.now() - t0 < durationMs) await call(load.client, 10_000, out);
  };
  await Promise.all(Array.from({ length: inflight }, worker));
  return (out.ok * 1000) / (performance.now() - t0);
}

/**
 * wrk against the service's Connect JSON endpoint: `connections` connections, each sending its
 * next call on average `pauseMs` after the last was answered, so that while answers come fast
 * the offered rate is about connections × 1000 / pauseMs. The server gets the caller's deadline in
 * connect-timeout-ms; wrk gives up on an answer at the same deadline (its timeouts: expired).
 */
export async function wrkLoad(port: number, opts: { connections: number; pauseMs: number; durationS: number; deadlineMs: number }): Promise<Outcome> {
  const dir = mkdtempSync(join(tmpdir(), 'bricks-overload-wrk-'));
  try {
    const script = join(dir, 'echo.lua');
    writeFileSync(
      script,
      [
        'wrk.method = "POST"',
        `wrk.body = '${JSON.stringify({ name: request.name, n: request.n })}'`,
        'wrk.headers["Content-Type"] = "application/json"',
        `wrk.headers["Connect-Timeout-Ms"] = "${opts.deadlineMs}"`,
        'local threads = {}',
        'function setup(thread) table.insert(threads, thread) end',
        'ok = 0; refused = 0; other = 0',
        // A pause drawn from 0..2× its mean: connections that all got their answer at once do not
        // all call again at once (a closed loop of synchronized callers is a train of bursts).
        `function delay() return math.random(0, ${2 * opts.pauseMs}) end`,
        'function response(status, headers, body)',
        '  if status == 200 then ok = ok + 1 elseif status == 429 then refused = refused + 1 else other = other + 1 end',
        'end',
        'function done(summary, latency, requests)',
        '  local o, r, x = 0, 0, 0',
        '  for _, t in ipairs(threads) do o = o + t:get("ok"); r = r + t:get("refused"); x = x + t:get("other") end',
        '  io.write(string.format("RESULT %d %d %d %d %d %d\\n", o, r, x, summary.errors.timeout, summary.duration, summary.requests))',
        'end',
        '',
      ].join('\n'),
    );
    const args = ['-t', '1', '-c', String(opts.connections), '-d', `${opts.durationS}s`, '--timeout', `${Math.ceil(opts.deadlineMs / 1000)}s`, '-s', script, `http://127.0.0.1:${port}${ECHO}`];
    const text = await run('wrk', args, (opts.durationS + 30) * 1000);
    const m = /^RESULT (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)$/m.exec(text);
    if (m === null) throw new Error(`wrk printed no result:\n${text}`);
    const [ok, refused, other, timeouts, durationUs, requests] = m.slice(1).map(Number) as [number, number, number, number, number, number];
    // wrk counts answered calls only: every connection sent at least one call, and one that was
    // never answered (a server too busy to answer any) is a caller left without an answer.
    const offered = Math.max(requests + timeouts, opts.connections);
    return { ok, refused, expired: Math.max(timeouts, offered - ok - refused - other), other, refusedMs: [], durationMs: durationUs / 1000, offered };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs a program to its end; its stdout, or an error with its stderr. Killed after `timeoutMs`. */
function run(program: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${program} exited with ${code}: ${err}`));
    });
  });
}

export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
