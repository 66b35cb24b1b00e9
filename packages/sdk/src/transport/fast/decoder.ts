// Streaming frame decoder: turns socket chunks into frames with memory bounded by one frame.
// Garbage never throws: the first malformed byte turns into a violation and the decoder stops.
import { FastCode } from './errors.ts';
import { decodeBody, FRAME_VERSION, HEADER_BYTES, isFrameType } from './frame.ts';
import type { Frame, ProtocolViolation } from './frame.ts';
import type { HeaderTableDecoder } from './header-table.ts';

export class FrameDecoder {
  /** Bytes of an incomplete frame, kept as chunks so a large frame is concatenated once. */
  private pending: Buffer[] = [];
  private buffered = 0;
  /** How many buffered bytes the next parse needs: a header, or a header plus its body. */
  private needed = HEADER_BYTES;
  private failed: ProtocolViolation | undefined;

  /**
   * `maxFrameBytes` bounds a frame's body; a larger length prefix is a violation at once.
   * `table`: the connection's header table, on a server (clients receive no table blocks).
   */
  constructor(
    private readonly maxFrameBytes: number,
    private readonly table?: HeaderTableDecoder,
  ) {}

  /** Bytes held for an incomplete frame (at most one frame plus one chunk). */
  get bufferedBytes(): number {
    return this.buffered;
  }

  /**
   * Feeds a chunk and calls `onFrame` for each complete frame in order. Returns a violation
   * (and ignores every later chunk) once the stream is malformed; frames before it were delivered.
   */
  push(chunk: Buffer, onFrame: (frame: Frame) => void): ProtocolViolation | undefined {
    if (this.failed !== undefined) return this.failed;
    let data: Buffer;
    if (this.buffered === 0) {
      data = chunk;
    } else {
      this.pending.push(chunk);
      this.buffered += chunk.length;
      if (this.buffered < this.needed) return undefined;
      data = Buffer.concat(this.pending, this.buffered);
      this.pending = [];
      this.buffered = 0;
    }
    let at = 0;
    while (data.length - at >= HEADER_BYTES) {
      const length = data.readUInt32BE(at);
      const version = data[at + 4]!;
      const type = data[at + 5]!;
      if (version !== FRAME_VERSION) return this.fail(`unsupported frame version ${version}`);
      if (!isFrameType(type)) return this.fail(`unknown frame type ${type}`);
      if (length > this.maxFrameBytes) {
        return this.fail(`frame of ${length} bytes exceeds the limit of ${this.maxFrameBytes}`, FastCode.RESOURCE_EXHAUSTED);
      }
      const end = at + HEADER_BYTES + length;
      if (end > data.length) {
        this.stash(data.subarray(at), HEADER_BYTES + length);
        return undefined;
      }
      const flags = data.readUInt16BE(at + 6);
      const streamId = data.readUInt32BE(at + 8);
      const frame = decodeBody(type, flags, streamId, data.subarray(at + HEADER_BYTES, end), this.table);
      if ('violation' in frame) return this.fail(frame.violation);
      at = end;
      onFrame(frame);
      // onFrame may have ended the connection and with it this decoder.
      if (this.failed !== undefined) return this.failed;
    }
    if (at < data.length) this.stash(data.subarray(at), HEADER_BYTES);
    return undefined;
  }

  /** Stops decoding (the connection is gone) and drops what was buffered. */
  stop(violation: string): void {
    this.fail(violation);
  }

  private stash(rest: Buffer, needed: number): void {
    this.pending = [rest];
    this.buffered = rest.length;
    this.needed = needed;
  }

  private fail(violation: string, code?: FastCode): ProtocolViolation {
    this.failed ??= code === undefined ? { violation } : { violation, code };
    this.pending = [];
    this.buffered = 0;
    return this.failed;
  }
}
