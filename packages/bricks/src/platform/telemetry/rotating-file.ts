// An append-only log file with a bounded size: past `maxBytes` it is renamed to `<file>.1`
// (the older ones shift up to `<file>.<keep>`, the oldest dropped) and a fresh one is started.
// Writes go through one stream at a time, so a rotation never interleaves two files' lines.
import { createWriteStream, existsSync, fstatSync, openSync, renameSync, rmSync } from 'node:fs';
import type { WriteStream } from 'node:fs';

export class RotatingFile {
  private fd = -1;
  private stream: WriteStream;
  private size: number;

  constructor(
    readonly path: string,
    private readonly maxBytes: number,
    private readonly keep: number,
  ) {
    this.stream = this.open();
    this.size = fstatSync(this.fd).size;
  }

  /** Opened at once (not when the stream gets round to it), so a rotation can rename it at any time. */
  private open(): WriteStream {
    this.fd = openSync(this.path, 'a');
    return createWriteStream(this.path, { fd: this.fd });
  }

  write(text: string): void {
    const bytes = Buffer.byteLength(text);
    if (this.size > 0 && this.size + bytes > this.maxBytes) this.rotate();
    this.stream.write(text);
    this.size += bytes;
  }

  /** The files oldest first: `<file>.<keep>` … `<file>.1`, `<file>`. */
  files(): string[] {
    const out: string[] = [];
    for (let i = this.keep; i >= 1; i--) if (existsSync(`${this.path}.${i}`)) out.push(`${this.path}.${i}`);
    if (existsSync(this.path)) out.push(this.path);
    return out;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.stream.end(resolve));
  }

  private rotate(): void {
    // The old stream finishes its queued writes into the renamed file (it holds the fd).
    this.stream.end();
    rmSync(`${this.path}.${this.keep}`, { force: true });
    for (let i = this.keep - 1; i >= 1; i--) if (existsSync(`${this.path}.${i}`)) renameSync(`${this.path}.${i}`, `${this.path}.${i + 1}`);
    renameSync(this.path, `${this.path}.1`);
    this.stream = this.open();
    this.size = 0;
  }
}
