// Wire format of the fast transport: length-prefixed frames with a versioned 12-byte header.
//   header: u32 body length | u8 version | u8 type | u16 flags | u32 stream id   (big-endian)
//   request:  u32 timeout ms | u16 path length | path | headers | payload
//   response: headers | payload
//   error:    u16 code | u16 message length | message          (flag REFUSED: handler never ran)
//   cancel:   (empty)
//   goaway:   u32 last stream id | u16 code (0 = graceful) | u16 message length | message
//   headers:  u16 count | count × (u16 key length | key | u16 value length | value)
//             (a request with FLAG_HEADER_TABLE: entries may be kept and referenced, header-table.ts)
// Streaming calls (request flag STREAM, empty payload) then carry:
//   message:  payload                                  (either side, within the peer's window)
//   end:      (empty)                                  (client: no more messages)
//   head:     headers                                  (server: response headers, before any message)
//   window:   u32 bytes                                (either side: the peer may send that many more)
// and end with a response frame (its headers are the trailers, its payload empty) or an error.
import { isFastCode } from './errors.ts';
import type { FastCode } from './errors.ts';
import { HeaderOp, TABLE_OFFER, TABLE_VERSION } from './header-table.ts';
import type { HeaderTableDecoder, HeaderTableEncoder, PlannedHeader } from './header-table.ts';

export const FRAME_VERSION = 1;
export const HEADER_BYTES = 12;
/** Largest stream id; ids are u32 and only ever grow on one connection. */
export const MAX_STREAM_ID = 0xffff_ffff;
/** Largest timeout the u32 field carries (~49 days); longer budgets are clamped to it. */
export const MAX_TIMEOUT_MS = 0xffff_ffff;
/** 4 MiB, gRPC's default maximum message size, so the same messages fit on both paths. */
export const DEFAULT_MAX_FRAME_BYTES = 4 * 1024 * 1024;
/** setTimeout's largest delay (2^31-1 ms, ~24.8 days); a longer one would fire at once. */
export const MAX_TIMER_MS = 0x7fff_ffff;
const U16_MAX = 0xffff;

export const FrameType = { request: 1, response: 2, error: 3, cancel: 4, goaway: 5, message: 6, end: 7, head: 8, window: 9 } as const;
export type FrameType = (typeof FrameType)[keyof typeof FrameType];
/** Error flag: the server refused the call before its handler ran (overload, going away). */
export const FLAG_REFUSED = 1;
/** Request flag: a streaming call; its messages follow in message frames. */
export const FLAG_STREAM = 2;
/** Request flag: the header block uses the connection's header table (header-table.ts). */
export const FLAG_HEADER_TABLE = 4;
/**
 * Bytes a streaming call's receiver takes before the sender waits for a window frame, per
 * stream and direction: HTTP/2's default stream window (65,535) is too small for a 4 MiB
 * message to go at once; 1 MiB bounds what a slow reader buffers per stream.
 */
export const STREAM_WINDOW_BYTES = 1024 * 1024;

export type Headers = Record<string, string>;

export type Frame =
  | {
      readonly kind: 'request';
      readonly streamId: number;
      readonly timeoutMs: number;
      readonly path: string;
      readonly headers: Headers;
      readonly payload: Buffer;
      /** A streaming call: messages follow in message frames. */
      readonly stream: boolean;
    }
  | { readonly kind: 'response'; readonly streamId: number; readonly headers: Headers; readonly payload: Buffer }
  | { readonly kind: 'error'; readonly streamId: number; readonly code: FastCode; readonly message: string; readonly refused: boolean }
  | { readonly kind: 'cancel'; readonly streamId: number }
  | { readonly kind: 'message'; readonly streamId: number; readonly payload: Buffer }
  | { readonly kind: 'end'; readonly streamId: number }
  | { readonly kind: 'head'; readonly streamId: number; readonly headers: Headers }
  | { readonly kind: 'window'; readonly streamId: number; readonly bytes: number }
  | { readonly kind: 'goaway'; readonly lastStreamId: number; readonly code: FastCode | 0; readonly message: string };

const EMPTY_HEADERS: readonly string[] = [];

/** Flattens headers to [k, v, k, v, ...] and checks the u16 limits before anything is allocated. */
function flattenHeaders(headers: Headers | undefined): readonly string[] {
  if (headers === undefined) return EMPTY_HEADERS;
  let flat: string[] | undefined;
  for (const key in headers) {
    const value = headers[key];
    if (value === undefined) continue;
    (flat ??= []).push(key, value);
  }
  if (flat === undefined) return EMPTY_HEADERS;
  if (flat.length / 2 > U16_MAX) throw new RangeError('too many headers');
  return flat;
}

function headersBytes(flat: readonly string[]): number {
  let n = 2;
  for (const s of flat) {
    const len = Buffer.byteLength(s);
    if (len > U16_MAX) throw new RangeError('header key or value longer than 65535 bytes');
    n += 2 + len;
  }
  return n;
}

function writeHeaders(buf: Buffer, at: number, flat: readonly string[]): number {
  buf.writeUInt16BE(flat.length / 2, at);
  at += 2;
  for (const s of flat) {
    const len = buf.write(s, at + 2, 'utf8');
    buf.writeUInt16BE(len, at);
    at += 2 + len;
  }
  return at;
}

function frame(type: FrameType, flags: number, streamId: number, bodyBytes: number): Buffer {
  const buf = Buffer.allocUnsafe(HEADER_BYTES + bodyBytes);
  buf.writeUInt32BE(bodyBytes, 0);
  buf[4] = FRAME_VERSION;
  buf[5] = type;
  buf.writeUInt16BE(flags, 6);
  buf.writeUInt32BE(streamId, 8);
  return buf;
}

function plannedBytes(plan: readonly PlannedHeader[]): number {
  let n = 2;
  for (const h of plan) {
    if (h.op === HeaderOp.indexed) {
      n += 5;
      continue;
    }
    const kl = Buffer.byteLength(h.key);
    const vl = Buffer.byteLength(h.value);
    if (kl > U16_MAX || vl > U16_MAX) throw new RangeError('header key or value longer than 65535 bytes');
    n += 5 + kl + vl;
  }
  return n;
}

function writePlanned(buf: Buffer, at: number, plan: readonly PlannedHeader[]): number {
  buf.writeUInt16BE(plan.length, at);
  at += 2;
  for (const h of plan) {
    buf[at] = h.op;
    if (h.op === HeaderOp.indexed) {
      buf.writeUInt32BE(h.index, at + 1);
      at += 5;
      continue;
    }
    const kl = buf.write(h.key, at + 3, 'utf8');
    buf.writeUInt16BE(kl, at + 1);
    at += 3 + kl;
    const vl = buf.write(h.value, at + 2, 'utf8');
    buf.writeUInt16BE(vl, at);
    at += 2 + vl;
  }
  return at;
}

/**
 * `path` is passed pre-encoded because clients call few paths many times (see client's cache).
 * With a header table: until the server answered, the block offers it; after, the block uses it,
 * and the caller commits the table's plan once the frame is sure to be written.
 */
export function encodeRequest(
  streamId: number,
  timeoutMs: number,
  path: Buffer,
  headers: Headers | undefined,
  payload: Uint8Array,
  stream = false,
  table?: HeaderTableEncoder,
): Buffer {
  if (path.length > U16_MAX) throw new RangeError('path longer than 65535 bytes');
  let flat = flattenHeaders(headers);
  let flags = stream ? FLAG_STREAM : 0;
  let plan: readonly PlannedHeader[] | undefined;
  if (table !== undefined) {
    if (table.enabled) {
      plan = table.plan(flat);
      flags |= FLAG_HEADER_TABLE;
    } else {
      flat = [...flat, TABLE_OFFER, TABLE_VERSION];
    }
  }
  const hb = plan === undefined ? headersBytes(flat) : plannedBytes(plan);
  const buf = frame(FrameType.request, flags, streamId, 6 + path.length + hb + payload.length);
  buf.writeUInt32BE(Math.max(0, Math.min(MAX_TIMEOUT_MS, Math.ceil(timeoutMs))), HEADER_BYTES);
  buf.writeUInt16BE(path.length, HEADER_BYTES + 4);
  path.copy(buf, HEADER_BYTES + 6);
  const start = HEADER_BYTES + 6 + path.length;
  const at = plan === undefined ? writeHeaders(buf, start, flat) : writePlanned(buf, start, plan);
  buf.set(payload, at);
  return buf;
}

export function encodeResponse(streamId: number, headers: Headers | undefined, payload: Uint8Array): Buffer {
  const flat = flattenHeaders(headers);
  const hb = headersBytes(flat);
  const buf = frame(FrameType.response, 0, streamId, hb + payload.length);
  const at = writeHeaders(buf, HEADER_BYTES, flat);
  buf.set(payload, at);
  return buf;
}

/** Messages are cut to fit the u16 length (on a character boundary, so the text stays valid). */
function messageBytes(message: string): Buffer {
  let bytes = Buffer.from(message, 'utf8');
  if (bytes.length > U16_MAX) bytes = Buffer.from(bytes.subarray(0, U16_MAX).toString('utf8').replace(/\uFFFD$/, ''), 'utf8');
  return bytes;
}

export function encodeError(streamId: number, code: FastCode, message: string, refused: boolean): Buffer {
  const msg = messageBytes(message);
  const buf = frame(FrameType.error, refused ? FLAG_REFUSED : 0, streamId, 4 + msg.length);
  buf.writeUInt16BE(code, HEADER_BYTES);
  buf.writeUInt16BE(msg.length, HEADER_BYTES + 2);
  msg.copy(buf, HEADER_BYTES + 4);
  return buf;
}

export function encodeCancel(streamId: number): Buffer {
  return frame(FrameType.cancel, 0, streamId, 0);
}

export function encodeMessage(streamId: number, payload: Uint8Array): Buffer {
  const buf = frame(FrameType.message, 0, streamId, payload.length);
  buf.set(payload, HEADER_BYTES);
  return buf;
}

export function encodeEnd(streamId: number): Buffer {
  return frame(FrameType.end, 0, streamId, 0);
}

export function encodeHead(streamId: number, headers: Headers | undefined): Buffer {
  const flat = flattenHeaders(headers);
  const buf = frame(FrameType.head, 0, streamId, headersBytes(flat));
  writeHeaders(buf, HEADER_BYTES, flat);
  return buf;
}

export function encodeWindow(streamId: number, bytes: number): Buffer {
  const buf = frame(FrameType.window, 0, streamId, 4);
  buf.writeUInt32BE(bytes, HEADER_BYTES);
  return buf;
}

export function encodeGoaway(lastStreamId: number, code: FastCode | 0, message: string): Buffer {
  const msg = messageBytes(message);
  const buf = frame(FrameType.goaway, 0, 0, 8 + msg.length);
  buf.writeUInt32BE(lastStreamId, HEADER_BYTES);
  buf.writeUInt16BE(code, HEADER_BYTES + 4);
  buf.writeUInt16BE(msg.length, HEADER_BYTES + 6);
  msg.copy(buf, HEADER_BYTES + 8);
  return buf;
}

/** A malformed frame: the connection that carried it is closed with this reason. */
export interface ProtocolViolation {
  readonly violation: string;
  /** RESOURCE_EXHAUSTED for an oversized frame; INTERNAL (malformed) when absent. */
  readonly code?: FastCode;
}

/** Reads a header block at `at`; returns the headers and where the block ends, or a violation. */
function readHeaders(body: Buffer, at: number): { headers: Headers; end: number } | ProtocolViolation {
  if (at + 2 > body.length) return { violation: 'truncated header count' };
  const count = body.readUInt16BE(at);
  at += 2;
  const headers: Headers = {};
  for (let i = 0; i < count; i++) {
    if (at + 2 > body.length) return { violation: 'truncated header key' };
    const kl = body.readUInt16BE(at);
    if (at + 2 + kl + 2 > body.length) return { violation: 'truncated header key' };
    const key = body.toString('utf8', at + 2, at + 2 + kl);
    at += 2 + kl;
    const vl = body.readUInt16BE(at);
    if (at + 2 + vl > body.length) return { violation: 'truncated header value' };
    // A key named __proto__ would be a no-op on a plain object at best; it is dropped.
    if (key !== '__proto__') headers[key] = body.toString('utf8', at + 2, at + 2 + vl);
    at += 2 + vl;
  }
  return { headers, end: at };
}

/** Reads a header block of the table format (header-table.ts); its new entries are kept at the end. */
function readTableHeaders(body: Buffer, at: number, table: HeaderTableDecoder): { headers: Headers; end: number } | ProtocolViolation {
  if (at + 2 > body.length) return { violation: 'truncated header count' };
  const count = body.readUInt16BE(at);
  at += 2;
  const headers: Headers = {};
  let keep: string[] | undefined;
  for (let i = 0; i < count; i++) {
    if (at + 1 > body.length) return { violation: 'truncated header entry' };
    const op = body[at]!;
    at += 1;
    if (op === HeaderOp.indexed) {
      if (at + 4 > body.length) return { violation: 'truncated header index' };
      const index = body.readUInt32BE(at);
      at += 4;
      const kept = table.lookup(index);
      if (kept === undefined) return { violation: `header index ${index} is not in the table` };
      if (kept.key !== '__proto__') headers[kept.key] = kept.value;
      continue;
    }
    if (op !== HeaderOp.literal && op !== HeaderOp.keep) return { violation: `unknown header op ${op}` };
    if (at + 2 > body.length) return { violation: 'truncated header key' };
    const kl = body.readUInt16BE(at);
    if (at + 2 + kl + 2 > body.length) return { violation: 'truncated header key' };
    const key = body.toString('utf8', at + 2, at + 2 + kl);
    at += 2 + kl;
    const vl = body.readUInt16BE(at);
    if (at + 2 + vl > body.length) return { violation: 'truncated header value' };
    const value = body.toString('utf8', at + 2, at + 2 + vl);
    at += 2 + vl;
    if (key !== '__proto__') headers[key] = value;
    if (op === HeaderOp.keep) (keep ??= []).push(key, value);
  }
  if (keep !== undefined) {
    for (let i = 0; i < keep.length; i += 2) {
      if (!table.keep(keep[i]!, keep[i + 1]!)) return { violation: 'header entry larger than the header table' };
    }
  }
  return { headers, end: at };
}

/**
 * Decodes one frame's body. `body` may be a view into a larger chunk; payloads stay views.
 * `table` is the connection's header table (a server's); without one a table block is refused.
 */
export function decodeBody(type: number, flags: number, streamId: number, body: Buffer, table?: HeaderTableDecoder): Frame | ProtocolViolation {
  switch (type) {
    case FrameType.request: {
      if (streamId === 0) return { violation: 'request on stream 0' };
      if (body.length < 6) return { violation: 'truncated request' };
      const timeoutMs = body.readUInt32BE(0);
      const pl = body.readUInt16BE(4);
      if (6 + pl > body.length) return { violation: 'truncated request path' };
      const path = body.toString('utf8', 6, 6 + pl);
      let h: { headers: Headers; end: number } | ProtocolViolation;
      if ((flags & FLAG_HEADER_TABLE) === 0) h = readHeaders(body, 6 + pl);
      else if (table === undefined) return { violation: 'header table block where no table was offered' };
      else h = readTableHeaders(body, 6 + pl, table);
      if ('violation' in h) return h;
      const stream = (flags & FLAG_STREAM) !== 0;
      if (stream && h.end !== body.length) return { violation: 'streaming request with a payload' };
      return { kind: 'request', streamId, timeoutMs, path, headers: h.headers, payload: body.subarray(h.end), stream };
    }
    case FrameType.response: {
      const h = readHeaders(body, 0);
      if ('violation' in h) return h;
      return { kind: 'response', streamId, headers: h.headers, payload: body.subarray(h.end) };
    }
    case FrameType.error: {
      if (body.length < 4) return { violation: 'truncated error' };
      const code = body.readUInt16BE(0);
      if (!isFastCode(code)) return { violation: `error frame with status ${code}` };
      const ml = body.readUInt16BE(2);
      if (4 + ml !== body.length) return { violation: 'error frame length mismatch' };
      return { kind: 'error', streamId, code, message: body.toString('utf8', 4, 4 + ml), refused: (flags & FLAG_REFUSED) !== 0 };
    }
    case FrameType.cancel:
      if (body.length !== 0) return { violation: 'cancel frame with a body' };
      return { kind: 'cancel', streamId };
    case FrameType.message:
      if (streamId === 0) return { violation: 'message on stream 0' };
      return { kind: 'message', streamId, payload: body };
    case FrameType.end:
      if (body.length !== 0) return { violation: 'end frame with a body' };
      return { kind: 'end', streamId };
    case FrameType.head: {
      const h = readHeaders(body, 0);
      if ('violation' in h) return h;
      if (h.end !== body.length) return { violation: 'head frame length mismatch' };
      return { kind: 'head', streamId, headers: h.headers };
    }
    case FrameType.window: {
      if (body.length !== 4) return { violation: 'window frame length mismatch' };
      const bytes = body.readUInt32BE(0);
      if (bytes === 0) return { violation: 'window frame of 0 bytes' };
      return { kind: 'window', streamId, bytes };
    }
    case FrameType.goaway: {
      if (body.length < 8) return { violation: 'truncated goaway' };
      const lastStreamId = body.readUInt32BE(0);
      const code = body.readUInt16BE(4);
      if (code !== 0 && !isFastCode(code)) return { violation: `goaway with status ${code}` };
      const ml = body.readUInt16BE(6);
      if (8 + ml !== body.length) return { violation: 'goaway length mismatch' };
      return { kind: 'goaway', lastStreamId, code, message: body.toString('utf8', 8, 8 + ml) };
    }
    default:
      return { violation: `unknown frame type ${type}` };
  }
}

/** Known frame types, for rejecting garbage as soon as a header arrives. */
export function isFrameType(type: number): type is FrameType {
  return type >= FrameType.request && type <= FrameType.window;
}
