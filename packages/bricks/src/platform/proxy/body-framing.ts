// Finds where an HTTP/1.1 message body ends without decoding it, so the proxy can pass body
// bytes through verbatim (chunk sizes, extensions and trailers included) and still know when
// the next message on the connection starts.
import { ProxyError } from './errors.ts';

/** How an HTTP/1.1 message delimits its body (RFC 9112 §6). */
export type Framing =
  | { readonly kind: 'none' }
  | { readonly kind: 'length'; readonly length: number }
  | { readonly kind: 'chunked' }
  /** Response only: the body runs until the server closes the connection. */
  | { readonly kind: 'until-close' };

export const noBody: Framing = { kind: 'none' };
export const chunked: Framing = { kind: 'chunked' };
export const untilClose: Framing = { kind: 'until-close' };

const enum Chunk {
  Size,
  SizeMore,
  Extension,
  SizeLf,
  Data,
  DataCr,
  DataLf,
  TrailerStart,
  TrailerLine,
  EndLf,
}

const CR = 13;
const LF = 10;
/** Chunk sizes above this are refused: 2^48 bytes, far past anything a replica sends, and
 * small enough that the arithmetic stays exact in a double. */
const maxChunkSize = 2 ** 48;

/** Tracks one body at a time; `reset` starts the next one (one tracker per direction). */
export class BodyTracker {
  done = true;
  private kind: Framing['kind'] = 'none';
  private remaining = 0;
  private state = Chunk.Size;

  reset(framing: Framing): void {
    this.kind = framing.kind;
    this.state = Chunk.Size;
    switch (framing.kind) {
      case 'none':
        this.done = true;
        this.remaining = 0;
        return;
      case 'length':
        this.done = framing.length === 0;
        this.remaining = framing.length;
        return;
      case 'chunked':
      case 'until-close':
        this.done = false;
        this.remaining = 0;
        return;
    }
  }

  /**
   * Consumes body bytes from `buf[start, end)` and returns the index just past the body's last
   * byte in it: `end` when the body goes on (or just ended exactly there). Bytes from the
   * returned index on belong to the next message. Throws a ProxyError on malformed chunking.
   */
  feed(buf: Buffer, start: number, end: number): number {
    if (this.done) return start;
    switch (this.kind) {
      case 'none':
        return start;
      case 'until-close':
        return end;
      case 'length': {
        const take = Math.min(this.remaining, end - start);
        this.remaining -= take;
        if (this.remaining === 0) this.done = true;
        return start + take;
      }
      case 'chunked':
        return this.feedChunked(buf, start, end);
    }
  }

  private feedChunked(buf: Buffer, start: number, end: number): number {
    let i = start;
    while (i < end) {
      switch (this.state) {
        case Chunk.Data: {
          const take = Math.min(this.remaining, end - i);
          this.remaining -= take;
          i += take;
          if (this.remaining === 0) this.state = Chunk.DataCr;
          continue;
        }
        case Chunk.Size:
        case Chunk.SizeMore: {
          const c = buf[i]!;
          const digit = hexValue(c);
          if (digit >= 0) {
            this.remaining = this.remaining * 16 + digit;
            if (this.remaining > maxChunkSize) throw bad('chunk size too large');
            this.state = Chunk.SizeMore;
          } else if (this.state === Chunk.Size) {
            throw bad('chunk size expected');
          } else if (c === CR) {
            this.state = Chunk.SizeLf;
          } else if (c === 0x3b /* ; */ || c === 0x20 || c === 0x09) {
            this.state = Chunk.Extension;
          } else {
            throw bad('invalid chunk size');
          }
          break;
        }
        case Chunk.Extension:
          if (buf[i] === CR) this.state = Chunk.SizeLf;
          else if (buf[i] === LF) throw bad('bare LF in chunk extension');
          break;
        case Chunk.SizeLf:
          if (buf[i] !== LF) throw bad('LF expected after chunk size');
          this.state = this.remaining === 0 ? Chunk.TrailerStart : Chunk.Data;
          break;
        case Chunk.DataCr:
          if (buf[i] !== CR) throw bad('CR expected after chunk data');
          this.state = Chunk.DataLf;
          break;
        case Chunk.DataLf:
          if (buf[i] !== LF) throw bad('LF expected after chunk data');
          this.state = Chunk.Size;
          this.remaining = 0;
          break;
        case Chunk.TrailerStart:
          this.state = buf[i] === CR ? Chunk.EndLf : Chunk.TrailerLine;
          break;
        case Chunk.TrailerLine:
          if (buf[i] === LF) this.state = Chunk.TrailerStart;
          break;
        case Chunk.EndLf:
          if (buf[i] !== LF) throw bad('LF expected after last chunk');
          this.done = true;
          return i + 1;
      }
      i++;
    }
    return end;
  }
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  const lower = c | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

function bad(message: string): ProxyError {
  return new ProxyError('bad-request', `malformed chunked body: ${message}`);
}
