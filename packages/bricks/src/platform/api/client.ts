// The CLI's side of the control API: finds the project's daemon, sends the token, and turns
// error answers back into ApiErrors.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { processStartTime } from '../runtime/index.ts';
import { request } from 'node:http';
import type { IncomingMessage } from 'node:http';
import type { DaemonInfo, ProjectPaths } from '../paths.ts';
import { ApiError } from './errors.ts';

export class ApiClient {
  constructor(
    readonly url: string,
    private readonly token: string,
  ) {}

  /** Reads daemon.json and the token; `unavailable` when no daemon runs for the project. */
  static async forProject(paths: ProjectPaths): Promise<ApiClient> {
    let info: DaemonInfo;
    let token: string;
    try {
      info = JSON.parse(await readFile(paths.daemon, 'utf8')) as DaemonInfo;
      token = (await readFile(paths.token, 'utf8')).trim();
    } catch {
      throw new ApiError('unavailable', `no bricks daemon runs for ${paths.dir}: start one with \`bricks up\``);
    }
    // The pid must still be the daemon that wrote the file: pids are reused.
    const sameProcess = info.startTime === undefined || processStartTime(info.pid) === info.startTime;
    if (!pidAlive(info.pid) || !sameProcess) throw new ApiError('unavailable', `the bricks daemon (pid ${info.pid}) is not running: start it with \`bricks up\``);
    return new ApiClient(info.apiUrl, token);
  }

  get<T>(path: string): Promise<T> {
    return this.call<T>('GET', path, undefined);
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.call<T>('POST', path, body);
  }

  private call<T>(method: string, path: string, body: unknown): Promise<T> {
    return new Promise((resolve, reject) => {
      const req = request(`${this.url}${path}`, { method, headers: this.headers() }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = text;
          }
          if ((res.statusCode ?? 500) >= 400) {
            const err = (parsed as { error?: { message?: string } }).error;
            reject(ApiError.fromStatus(res.statusCode ?? 500, err?.message ?? text));
          } else resolve(parsed as T);
        });
      });
      req.on('error', (err) => reject(new ApiError('unavailable', `cannot reach the bricks daemon at ${this.url}: ${err.message}`, { cause: err })));
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
  }

  /** An NDJSON stream as parsed values; ends when the daemon closes it or `signal` aborts. */
  stream<T>(path: string, signal?: AbortSignal): AsyncIterable<T> {
    return this.streamCall<T>('GET', path, undefined, signal);
  }

  /** A command whose answer is a stream (deploy, rollback: progress, then the result). */
  streamPost<T>(path: string, body: unknown, signal?: AbortSignal): AsyncIterable<T> {
    return this.streamCall<T>('POST', path, body, signal);
  }

  private async *streamCall<T>(method: string, path: string, body: unknown, signal?: AbortSignal): AsyncIterable<T> {
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = request(`${this.url}${path}`, { method, headers: this.headers(), signal }, resolve);
      req.on('error', (err) => reject(new ApiError('unavailable', `cannot reach the bricks daemon: ${err.message}`, { cause: err })));
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
    if ((res.statusCode ?? 500) >= 400) {
      const chunks: Buffer[] = [];
      for await (const c of res as AsyncIterable<Buffer>) chunks.push(c);
      const text = Buffer.concat(chunks).toString('utf8');
      let message = text;
      try {
        message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? text;
      } catch {
        // not JSON: keep the text
      }
      throw ApiError.fromStatus(res.statusCode ?? 500, message);
    }
    let buffered = '';
    try {
      for await (const chunk of res as AsyncIterable<Buffer>) {
        buffered += chunk.toString('utf8');
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          if (line.trim() !== '') yield JSON.parse(line) as T;
        }
      }
    } catch (err) {
      // Our own abort ends the stream quietly; anything else is the daemon going away.
      if (signal?.aborted !== true) throw new ApiError('unavailable', `the stream from the bricks daemon broke: ${String(err)}`, { cause: err });
    }
  }

  private headers(): Record<string, string> {
    return { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' };
  }
}

/** True while the process runs; a zombie (exited, not yet reaped by its parent) counts as gone. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.charAt(stat.lastIndexOf(')') + 2) !== 'Z';
  } catch {
    return true; // no /proc: trust kill(0)
  }
}
