// The log collector: every replica's output, line by line, kept in memory for `bricks logs`
// and appended to `.bricks/logs/<replica>.log` as JSON lines, each replica's files rotated at a
// bounded size. A query that reaches back past what memory keeps reads the files.
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LogLine } from '../api/contract/index.ts';
import { EventBus } from '../events.ts';
import { matchesLog } from './log-filter.ts';
import type { LogFilter } from './log-filter.ts';
import { RotatingFile } from './rotating-file.ts';

/** Lines kept in memory per service: enough for `logs` to show context without a file read. */
const KEEP_PER_SERVICE = 2000;

/**
 * A replica's log file rotates at 8 MiB and keeps two old ones: at most 24 MiB a replica, a
 * day or more of a chatty service's lines, and a file a text editor still opens.
 */
export const LOG_FILE_BYTES = 8 * 1024 * 1024;
export const LOG_FILES_KEPT = 2;

export interface LogStoreOptions {
  readonly maxBytes?: number;
  readonly keep?: number;
}

export class LogStore {
  private readonly byService = new Map<string, LogLine[]>();
  private readonly files = new Map<string, RotatingFile>();
  readonly live = new EventBus<LogLine>(0);
  private readonly maxBytes: number;
  private readonly keep: number;

  constructor(
    private readonly dir: string | null,
    options: LogStoreOptions = {},
  ) {
    this.maxBytes = options.maxBytes ?? LOG_FILE_BYTES;
    this.keep = options.keep ?? LOG_FILES_KEPT;
    if (dir !== null) mkdirSync(dir, { recursive: true });
  }

  add(entry: LogLine): void {
    let lines = this.byService.get(entry.service);
    if (lines === undefined) {
      lines = [];
      this.byService.set(entry.service, lines);
    }
    lines.push(entry);
    if (lines.length > KEEP_PER_SERVICE) lines.splice(0, lines.length - KEEP_PER_SERVICE);
    this.file(entry.replica)?.write(`${JSON.stringify(entry)}\n`);
    this.live.emit(entry);
  }

  /** The last `tail` lines of the given services (all when empty), merged in time order. */
  tail(services: readonly string[], tail: number): LogLine[] {
    return this.query({ services }, tail);
  }

  /**
   * The last `tail` lines (negative: all) that match, in time order. From memory, unless the
   * query reaches back past the oldest line memory keeps of a service: then from its files.
   */
  query(filter: LogFilter, tail: number): LogLine[] {
    const names = filter.services !== undefined && filter.services.length > 0 ? filter.services : this.knownServices();
    const found: LogLine[] = [];
    for (const service of names) {
      const memory = this.byService.get(service) ?? [];
      const oldest = memory[0]?.time;
      // Memory drops only its oldest lines: if it holds one from before `since`, it holds all after.
      const memoryReaches = filter.since !== undefined ? oldest !== undefined && oldest <= filter.since : tail >= 0 && countMatching(memory, filter, tail) >= tail;
      const source = memoryReaches || this.dir === null ? memory : this.fromFiles(service);
      for (const l of source) if (matchesLog(l, { ...filter, services: [service] })) found.push(l);
    }
    found.sort((a, b) => a.time - b.time);
    return tail >= 0 ? found.slice(-tail) : found;
  }

  async close(): Promise<void> {
    await Promise.all([...this.files.values()].map((f) => f.close()));
    this.files.clear();
  }

  private knownServices(): string[] {
    const names = new Set(this.byService.keys());
    for (const f of this.listFiles()) names.add(f.service);
    return [...names];
  }

  private listFiles(): { service: string; path: string }[] {
    if (this.dir === null) return [];
    let entries: string[];
    try {
      entries = readdirSync(this.dir);
    } catch {
      return [];
    }
    // `<service>.<slot>.log` and its rotations `<service>.<slot>.log.<n>`.
    return entries.flatMap((name) => {
      const m = /^(.+)\.\d+\.log(?:\.\d+)?$/.exec(name);
      return m ? [{ service: m[1]!, path: join(this.dir!, name) }] : [];
    });
  }

  /** Every line of a service's files (all replicas, rotated ones included). */
  private fromFiles(service: string): LogLine[] {
    const out: LogLine[] = [];
    for (const f of this.listFiles()) {
      if (f.service !== service) continue;
      let text: string;
      try {
        text = readFileSync(f.path, 'utf8');
      } catch {
        continue; // rotated away meanwhile
      }
      for (const raw of text.split('\n')) {
        if (raw === '') continue;
        try {
          out.push(JSON.parse(raw) as LogLine);
        } catch {
          // a line cut by a crash mid-write
        }
      }
    }
    return out;
  }

  private file(replica: string): RotatingFile | null {
    if (this.dir === null) return null;
    let f = this.files.get(replica);
    if (f === undefined) {
      f = new RotatingFile(join(this.dir, `${replica}.log`), this.maxBytes, this.keep);
      this.files.set(replica, f);
    }
    return f;
  }
}

function countMatching(lines: readonly LogLine[], filter: LogFilter, enough: number): number {
  let n = 0;
  for (let i = lines.length - 1; i >= 0 && n < enough; i--) if (matchesLog(lines[i]!, filter)) n++;
  return n;
}
