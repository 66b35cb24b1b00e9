// The log collector: every replica's output, line by line, kept in memory for `bricks logs`
// and appended to `.bricks/logs/<service>.log` as JSON lines.
import { createWriteStream, mkdirSync } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { join } from 'node:path';
import type { LogLine } from '../api/contract/index.ts';
import { EventBus } from '../events.ts';

/** Lines kept in memory per service: enough for `logs` to show context without a file read. */
const KEEP_PER_SERVICE = 2000;

export class LogStore {
  private readonly byService = new Map<string, LogLine[]>();
  private readonly files = new Map<string, WriteStream>();
  readonly live = new EventBus<LogLine>(0);

  constructor(private readonly dir: string | null) {
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
    this.file(entry.service)?.write(`${JSON.stringify(entry)}\n`);
    this.live.emit(entry);
  }

  /** The last `tail` lines of the given services (all when empty), merged in time order. */
  tail(services: readonly string[], tail: number): LogLine[] {
    const names = services.length > 0 ? services : [...this.byService.keys()];
    const merged = names.flatMap((s) => this.byService.get(s) ?? []).sort((a, b) => a.time - b.time);
    return tail >= 0 ? merged.slice(-tail) : merged;
  }

  async close(): Promise<void> {
    await Promise.all([...this.files.values()].map((f) => new Promise<void>((r) => f.end(r))));
    this.files.clear();
  }

  private file(service: string): WriteStream | null {
    if (this.dir === null) return null;
    let f = this.files.get(service);
    if (f === undefined) {
      f = createWriteStream(join(this.dir, `${service}.log`), { flags: 'a' });
      this.files.set(service, f);
    }
    return f;
  }
}
