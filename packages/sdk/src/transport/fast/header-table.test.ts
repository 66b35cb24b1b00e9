// The header table: long repeated request headers go once, then by index; both sides stay in step.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FrameDecoder } from './decoder.ts';
import { encodeRequest, FLAG_HEADER_TABLE } from './frame.ts';
import type { Frame } from './frame.ts';
import { HeaderTableEncoder, HeaderTableDecoder, TABLE_BYTES, TABLE_OFFER } from './header-table.ts';
import type { FastHandler } from './server-connection.ts';
import { startPair } from './test-support.ts';

const PATH = Buffer.from('/pkg.Svc/Echo');
const token = (n: number): string => `Bearer ${String(n).padStart(6, '0')}.${'x'.repeat(850)}`;

/** Encodes as a client connection does (commit after encoding) and decodes as a server does. */
function pair(): { send: (headers: Record<string, string>) => { frame: Buffer; decoded: Frame } ; encoder: HeaderTableEncoder } {
  const encoder = new HeaderTableEncoder();
  const decoder = new FrameDecoder(1 << 20, new HeaderTableDecoder());
  let id = 1;
  return {
    encoder,
    send(headers) {
      const frame = encodeRequest(id++, 1000, PATH, headers, Buffer.from('p'), false, encoder);
      encoder.commit();
      let decoded: Frame | undefined;
      const violation = decoder.push(frame, (f) => (decoded = f));
      assert.equal(violation, undefined, violation?.violation);
      return { frame, decoded: decoded! };
    },
  };
}

test('until the server answers, requests offer the table and send every header in full', () => {
  const { send } = pair();
  const { frame, decoded } = send({ authorization: token(1) });
  assert.equal(frame.readUInt16BE(6) & FLAG_HEADER_TABLE, 0);
  assert.ok(decoded.kind === 'request');
  assert.equal(decoded.headers[TABLE_OFFER], '1');
  assert.equal(decoded.headers.authorization, token(1));
});

test('a repeated token is sent in full twice (the second time kept), then as an index; short and changing values stay literal', () => {
  const { send, encoder } = pair();
  encoder.enable();
  const sizes: number[] = [];
  for (let i = 0; i < 4; i++) {
    const traceparent = `00-${String(i).padStart(32, '0')}-${'1'.repeat(16)}-01-and-some-more-to-be-long-enough-for-the-table`;
    const { frame, decoded } = send({ authorization: token(1), x: 'short', traceparent });
    assert.ok(decoded.kind === 'request');
    assert.deepEqual(decoded.headers, { authorization: token(1), x: 'short', traceparent });
    assert.ok((frame.readUInt16BE(6) & FLAG_HEADER_TABLE) !== 0);
    sizes.push(frame.length);
  }
  assert.equal(sizes[0], sizes[1], 'first sighting literal, second literal and kept: the same bytes');
  assert.ok(sizes[2]! < sizes[1]! - 800, `the third call sends an index instead of the token (${sizes.join(', ')})`);
  assert.equal(sizes[2], sizes[3]);
});

test('the server hands back the very same string for a kept entry', () => {
  const { send, encoder } = pair();
  encoder.enable();
  const got = [0, 1, 2, 3].map(() => {
    const d = send({ authorization: token(7) }).decoded;
    assert.ok(d.kind === 'request');
    return d.headers.authorization;
  });
  assert.equal(got[2], got[3]);
});

test('with more tokens than the budget holds, eviction stays in step on both sides', () => {
  const { send, encoder } = pair();
  encoder.enable();
  // Each token ~900 bytes: 200 of them are about three times the 64 KiB budget.
  const count = Math.ceil((3 * TABLE_BYTES) / 900);
  for (let round = 0; round < 3; round++) {
    for (let n = 0; n < count; n++) {
      const d = send({ authorization: token(n), identity: token(n + 1_000_000) }).decoded;
      assert.ok(d.kind === 'request');
      assert.equal(d.headers.authorization, token(n));
      assert.equal(d.headers.identity, token(n + 1_000_000));
    }
  }
});

test('an index the server never kept, or a table block to a decoder without a table, is a protocol violation', () => {
  const encoder = new HeaderTableEncoder();
  encoder.enable();
  for (let i = 0; i < 3; i++) {
    encodeRequest(i + 1, 1000, PATH, { authorization: token(3) }, Buffer.alloc(0), false, encoder);
    encoder.commit();
  }
  // This one references the entry kept by the second frame, which this decoder never saw.
  const third = encodeRequest(4, 1000, PATH, { authorization: token(3) }, Buffer.alloc(0), false, encoder);
  assert.match(new FrameDecoder(1 << 20, new HeaderTableDecoder()).push(third, () => {})?.violation ?? '', /header index 0 is not in the table/);
  assert.match(new FrameDecoder(1 << 20).push(third, () => {})?.violation ?? '', /no table was offered/);
});

test('over a live connection: tokens reach the handler intact on every call, and the offer and answer stay out of user headers', async (t) => {
  const seen: Record<string, string>[] = [];
  const handler: FastHandler = async (_path, payload, ctx) => {
    seen.push({ ...ctx.headers });
    return { payload, headers: { ok: '1' } };
  };
  const { client } = await startPair(t, handler);
  const headers = { authorization: token(42), 'bricks-identity': token(43) };
  for (let i = 0; i < 6; i++) {
    const reply = await client.call('/pkg.Svc/Echo', Buffer.from('x'), { timeoutMs: 5000, headers });
    assert.deepEqual(reply.headers, { ok: '1' });
  }
  // And concurrently, as the benchmark calls.
  await Promise.all(Array.from({ length: 50 }, () => client.call('/pkg.Svc/Echo', Buffer.from('x'), { timeoutMs: 5000, headers })));
  assert.equal(seen.length, 56);
  for (const h of seen) assert.deepEqual(h, headers);
});
