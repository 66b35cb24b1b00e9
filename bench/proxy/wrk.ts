// Runs wrk against a URL and reads its --latency report.
import { execFile } from 'node:child_process';
import { toMs } from './time-unit.ts';

export interface WrkResult {
  readonly requestsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly requests: number;
  /** Socket errors (connect, read, write, timeout) plus non-2xx/3xx responses. */
  readonly errors: number;
}

export interface WrkShape {
  readonly threads: number;
  readonly connections: number;
  readonly seconds: number;
  /** taskset CPU list for wrk itself, e.g. "1". */
  readonly cpus?: string;
}

const ms = (value: string, unit: string): number => toMs(value, unit, 'wrk');

export function parseWrk(out: string): WrkResult {
  const latency = (pct: string): number => {
    const m = new RegExp(`^\\s*${pct}%\\s+([0-9.]+)(us|ms|s|m)\\s*$`, 'mu').exec(out);
    if (m === null) throw new Error(`wrk output has no ${pct}% latency:\n${out}`);
    return ms(m[1]!, m[2]!);
  };
  const rps = /^Requests\/sec:\s+([0-9.]+)/mu.exec(out);
  const total = /^\s*([0-9]+) requests in/mu.exec(out);
  if (rps === null || total === null) throw new Error(`unexpected wrk output:\n${out}`);
  const socket = /Socket errors: connect ([0-9]+), read ([0-9]+), write ([0-9]+), timeout ([0-9]+)/u.exec(out);
  const non2xx = /Non-2xx or 3xx responses: ([0-9]+)/u.exec(out);
  const errors = (socket === null ? 0 : socket.slice(1).reduce((s, n) => s + Number(n), 0)) + (non2xx === null ? 0 : Number(non2xx[1]));
  return { requestsPerSec: Number(rps[1]), p50Ms: latency('50'), p99Ms: latency('99'), requests: Number(total[1]), errors };
}

export function runWrk(url: string, shape: WrkShape): Promise<WrkResult> {
  const argv = ['wrk', `-t${shape.threads}`, `-c${shape.connections}`, `-d${shape.seconds}s`, '--latency', url];
  const full = shape.cpus === undefined ? argv : ['taskset', '-c', shape.cpus, ...argv];
  return new Promise((resolve, reject) => {
    execFile(full[0]!, full.slice(1), { timeout: (shape.seconds + 30) * 1000 }, (err, stdout) => {
      if (err !== null) reject(new Error(`wrk failed: ${err.message}`, { cause: err }));
      else {
        try {
          resolve(parseWrk(stdout));
        } catch (e) {
          reject(e instanceof Error ? e : new Error(String(e)));
        }
      }
    });
  });
}
