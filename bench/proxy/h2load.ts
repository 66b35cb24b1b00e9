// Runs h2load (nghttp2) with gRPC-shaped unary calls over h2c and reads its summary. h2load
// reports mean request time, not percentiles, so this row has no p99.
import { execFile } from 'node:child_process';
import { toMs } from './time-unit.ts';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface H2LoadResult {
  readonly requestsPerSec: number;
  readonly meanMs: number;
  readonly requests: number;
  /** Failed, errored and timed-out requests plus non-2xx statuses. */
  readonly errors: number;
}

export interface H2LoadShape {
  readonly connections: number;
  /** Concurrent streams per connection. */
  readonly streams: number;
  readonly seconds: number;
}

const ms = (value: string, unit: string): number => toMs(value, unit, 'h2load');

export function parseH2Load(out: string): H2LoadResult {
  const rps = /finished in [0-9.]+s, ([0-9.]+) req\/s/u.exec(out);
  const reqs = /requests: ([0-9]+) total, [0-9]+ started, [0-9]+ done, ([0-9]+) succeeded, ([0-9]+) failed, ([0-9]+) errored, ([0-9]+) timeout/u.exec(out);
  const codes = /status codes: ([0-9]+) 2xx, ([0-9]+) 3xx, ([0-9]+) 4xx, ([0-9]+) 5xx/u.exec(out);
  const time = /time for request:\s+[0-9.]+(?:us|ms|s)\s+[0-9.]+(?:us|ms|s)\s+([0-9.]+)(us|ms|s)/u.exec(out);
  if (rps === null || reqs === null || codes === null || time === null) throw new Error(`unexpected h2load output:\n${out}`);
  const errors = Number(reqs[3]) + Number(reqs[4]) + Number(reqs[5]) + Number(codes[3]) + Number(codes[4]);
  return { requestsPerSec: Number(rps[1]), meanMs: ms(time[1]!, time[2]!), requests: Number(reqs[1]), errors };
}

/** A 5-byte gRPC frame header and a 16-byte payload, written once into `dir`. */
export function grpcBody(dir: string): string {
  const file = join(dir, 'grpc-body.bin');
  writeFileSync(file, Buffer.concat([Buffer.from([0, 0, 0, 0, 16]), Buffer.alloc(16, 0x62)]));
  return file;
}

export function runH2Load(url: string, bodyFile: string, shape: H2LoadShape): Promise<H2LoadResult> {
  const argv = ['-c', String(shape.connections), '-m', String(shape.streams), '-D', String(shape.seconds), '-d', bodyFile, '-H', 'content-type: application/grpc', '-H', 'te: trailers', url];
  return new Promise((resolve, reject) => {
    execFile('h2load', argv, { timeout: (shape.seconds + 30) * 1000 }, (err, stdout) => {
      if (err !== null) reject(new Error(`h2load failed: ${err.message}`, { cause: err }));
      else {
        try {
          resolve(parseH2Load(stdout));
        } catch (e) {
          reject(e instanceof Error ? e : new Error(String(e)));
        }
      }
    });
  });
}
