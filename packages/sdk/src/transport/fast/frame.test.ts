// The wire codec and the streaming decoder on well-formed input, whole and split anywhere.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FrameDecoder } from './decoder.ts';
import { FastCode } from './errors.ts';
import { encodeCancel, encodeEnd, encodeError, encodeGoaway, encodeHead, encodeMessage, encodeRequest, encodeResponse, encodeWindow, HEADER_BYTES } from './frame.ts';
import type { Frame } from './frame.ts';

const frames = (): Buffer[] => [
  encodeRequest(1, 1500.2, Buffer.from('/pkg.Svc/Method'), { 'x-trace': 'abc', ü: 'ß' }, Buffer.from([1, 2, 3])),
  encodeResponse(1, { a: '1' }, Buffer.from('payload')),
  encodeResponse(2, undefined, new Uint8Array(0)),
  encodeError(3, FastCode.NOT_FOUND, 'no such thing', false),
  encodeError(4, FastCode.RESOURCE_EXHAUSTED, 'busy', true),
  encodeCancel(5),
  encodeGoaway(5, 0, 'server closing'),
  encodeRequest(7, 200, Buffer.from('/pkg.Svc/Stream'), undefined, new Uint8Array(0), true),
  encodeHead(7, { h: 'v' }),
  encodeMessage(7, Buffer.from([9, 8])),
  encodeMessage(7, new Uint8Array(0)),
  encodeWindow(7, 65_536),
  encodeEnd(7),
];

const expected: unknown[] = [
  { kind: 'request', streamId: 1, timeoutMs: 1501, path: '/pkg.Svc/Method', headers: { 'x-trace': 'abc', ü: 'ß' }, payload: [1, 2, 3], stream: false },
  { kind: 'response', streamId: 1, headers: { a: '1' }, payload: [...Buffer.from('payload')] },
  { kind: 'response', streamId: 2, headers: {}, payload: [] },
  { kind: 'error', streamId: 3, code: 5, message: 'no such thing', refused: false },
  { kind: 'error', streamId: 4, code: 8, message: 'busy', refused: true },
  { kind: 'cancel', streamId: 5 },
  { kind: 'goaway', lastStreamId: 5, code: 0, message: 'server closing' },
  { kind: 'request', streamId: 7, timeoutMs: 200, path: '/pkg.Svc/Stream', headers: {}, payload: [], stream: true },
  { kind: 'head', streamId: 7, headers: { h: 'v' } },
  { kind: 'message', streamId: 7, payload: [9, 8] },
  { kind: 'message', streamId: 7, payload: [] },
  { kind: 'window', streamId: 7, bytes: 65_536 },
  { kind: 'end', streamId: 7 },
];

function plain(f: Frame): unknown {
  return 'payload' in f ? { ...f, payload: [...f.payload] } : f;
}

function decodeAll(chunks: Buffer[]): unknown[] {
  const decoder = new FrameDecoder(1 << 20);
  const out: unknown[] = [];
  for (const c of chunks) assert.equal(decoder.push(c, (f) => out.push(plain(f))), undefined);
  assert.equal(decoder.bufferedBytes, 0);
  return out;
}

test('every frame type round-trips in one chunk', () => {
  assert.deepEqual(decodeAll([Buffer.concat(frames())]), expected);
});

test('frames split at every byte boundary decode the same', () => {
  const all = Buffer.concat(frames());
  for (let cut = 1; cut < all.length; cut++) {
    assert.deepEqual(decodeAll([all.subarray(0, cut), all.subarray(cut)]), expected, `cut at ${cut}`);
  }
  assert.deepEqual(decodeAll([...all].map((b) => Buffer.from([b]))), expected);
});

test('a length prefix over the limit fails at once with RESOURCE_EXHAUSTED, before the body arrives', () => {
  const decoder = new FrameDecoder(100);
  const header = encodeResponse(1, undefined, Buffer.alloc(101)).subarray(0, HEADER_BYTES); // body: 2 + 101
  const v = decoder.push(header, () => assert.fail('no frame expected'));
  assert.equal(v?.code, FastCode.RESOURCE_EXHAUSTED);
  assert.match(v?.violation ?? '', /103 bytes exceeds the limit of 100/);
  // A failed decoder stays failed and holds nothing.
  assert.equal(decoder.push(Buffer.concat(frames()), () => assert.fail('no frame expected')), v);
  assert.equal(decoder.bufferedBytes, 0);
});

test('a wrong version or unknown type is a violation', () => {
  const bad = Buffer.from(encodeCancel(1));
  bad[4] = 2;
  assert.match(new FrameDecoder(100).push(bad, () => {})?.violation ?? '', /version 2/);
  const unknown = Buffer.from(encodeCancel(1));
  unknown[5] = 10;
  assert.match(new FrameDecoder(100).push(unknown, () => {})?.violation ?? '', /unknown frame type 10/);
  const payloadOnStream = encodeRequest(1, 1, Buffer.from('/p'), undefined, Buffer.from([1]), true);
  assert.match(new FrameDecoder(100).push(payloadOnStream, () => {})?.violation ?? '', /streaming request with a payload/);
  const emptyWindow = encodeWindow(1, 0);
  assert.match(new FrameDecoder(100).push(emptyWindow, () => {})?.violation ?? '', /window frame of 0 bytes/);
});

test('long error messages are cut to fit their u16 length and stay valid text', () => {
  const message = 'é'.repeat(40_000); // 80,000 bytes of UTF-8
  const out = decodeAll([encodeError(1, FastCode.INTERNAL, message, false)]) as { message: string }[];
  assert.ok(out[0]!.message.length > 30_000 && message.startsWith(out[0]!.message));
});
