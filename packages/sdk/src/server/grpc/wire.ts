// gRPC over HTTP/2 as the wire has it (grpc/doc/PROTOCOL-HTTP2.md): the header names, the
// 5-byte message prefix, grpc-timeout and the percent-encoded grpc-message. Named once here;
// the server path reads them from this file.
import { BricksError, codeToGrpc } from '../../errors/index.ts';

export const GRPC_CONTENT_TYPE = 'application/grpc';
export const STATUS = 'grpc-status';
export const MESSAGE = 'grpc-message';
export const TIMEOUT = 'grpc-timeout';
export const ENCODING = 'grpc-encoding';
/** Bytes before each message: a compressed flag and a big-endian u32 length. */
export const PREFIX_BYTES = 5;
/** 4 MiB, gRPC's default largest message (grpc-go, grpc-java, grpc-js). */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/** Whether a request is gRPC with protobuf messages and no compression: what this path serves. */
export function isPlainGrpc(contentType: string | undefined, encoding: string | string[] | undefined): boolean {
  if (contentType !== GRPC_CONTENT_TYPE && contentType !== 'application/grpc+proto') return false;
  return encoding === undefined || encoding === 'identity';
}

const units: Readonly<Record<string, number>> = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 0.001, n: 0.000_001 };

/** grpc-timeout ("100m", "5S": at most 8 digits and a unit) in ms; undefined when absent or malformed. */
export function parseTimeout(value: string | string[] | undefined): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^(\d{1,8})([HMSmun])$/.exec(value);
  if (m === null) return undefined;
  return Number(m[1]) * units[m[2]!]!;
}

/** A message with its prefix, ready to write. */
export function frameMessage(payload: Uint8Array): Buffer {
  const buf = Buffer.allocUnsafe(PREFIX_BYTES + payload.length);
  buf[0] = 0;
  buf.writeUInt32BE(payload.length, 1);
  buf.set(payload, PREFIX_BYTES);
  return buf;
}

/** Percent-encodes grpc-message: printable ASCII but '%' as is, everything else as UTF-8 %XX. */
export function encodeMessage(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    out += byte >= 0x20 && byte <= 0x7e && byte !== 0x25 ? String.fromCharCode(byte) : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The trailers that end a call with an error. */
export function errorTrailers(e: unknown): Record<string, string> {
  const err = BricksError.from(e, 'internal');
  return { [STATUS]: String(codeToGrpc(err.code)), [MESSAGE]: encodeMessage(err.rawMessage) };
}

/**
 * Cuts a request body into messages. Bodies usually arrive whole in one chunk (one small
 * message), so that case makes no copies; otherwise bytes are kept until a message is complete.
 */
export class MessageReader {
  #pending: Buffer | undefined;

  /** Feeds a chunk; calls `onMessage` per complete message; returns an error for a bad prefix. */
  push(chunk: Buffer, onMessage: (m: Buffer) => void): BricksError | undefined {
    const data = this.#pending === undefined ? chunk : Buffer.concat([this.#pending, chunk]);
    this.#pending = undefined;
    let at = 0;
    while (data.length - at >= PREFIX_BYTES) {
      if (data[at] !== 0) return new BricksError('unimplemented', 'compressed messages are not accepted (grpc-encoding identity only)');
      const length = data.readUInt32BE(at + 1);
      if (length > MAX_MESSAGE_BYTES) return new BricksError('resource_exhausted', `message of ${length} bytes exceeds the limit of ${MAX_MESSAGE_BYTES}`);
      const end = at + PREFIX_BYTES + length;
      if (end > data.length) break;
      onMessage(data.subarray(at + PREFIX_BYTES, end));
      at = end;
    }
    if (at < data.length) this.#pending = data.subarray(at);
    return undefined;
  }

  /** Bytes of an unfinished message at the end of the body: a truncated request. */
  get leftover(): number {
    return this.#pending?.length ?? 0;
  }
}
