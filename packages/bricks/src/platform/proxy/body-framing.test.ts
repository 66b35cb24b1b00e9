// Body framing: where a body ends, however its bytes are split across reads.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BodyTracker, chunked, untilClose } from './body-framing.ts';

/** Feeds `data` in pieces of `size` bytes; returns the absolute index where the body ended. */
function endOf(tracker: BodyTracker, data: Buffer, size: number): number {
  for (let start = 0; start < data.length; start += size) {
    const end = Math.min(start + size, data.length);
    const stop = tracker.feed(data, start, end);
    if (tracker.done) return stop;
  }
  return -1;
}

const chunkedBody = Buffer.from('5\r\nhello\r\n1a;ext=1\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\ngrpc-status: 0\r\nx-t: 1\r\n\r\n', 'latin1');

test('a chunked body ends after its last chunk and trailers, split at any point', () => {
  const next = Buffer.from('GET / HTTP/1.1\r\n\r\n');
  const data = Buffer.concat([chunkedBody, next]);
  for (const size of [1, 2, 3, 7, 64]) {
    const t = new BodyTracker();
    t.reset(chunked);
    assert.equal(endOf(t, data, size), chunkedBody.length, `pieces of ${size}`);
  }
});

test('a chunked body without trailers ends at the blank line', () => {
  const t = new BodyTracker();
  t.reset(chunked);
  const data = Buffer.from('3\r\nabc\r\n0\r\n\r\nXYZ');
  assert.equal(t.feed(data, 0, data.length), data.length - 3);
  assert.equal(t.done, true);
});

test('a Content-Length body ends after that many bytes', () => {
  const t = new BodyTracker();
  t.reset({ kind: 'length', length: 10 });
  const data = Buffer.from('0123456789NEXT');
  assert.equal(endOf(t, data, 3), 10);
});

test('until-close never ends by itself; none ends at once', () => {
  const t = new BodyTracker();
  t.reset(untilClose);
  const data = Buffer.from('anything');
  assert.equal(t.feed(data, 0, data.length), data.length);
  assert.equal(t.done, false);
  t.reset({ kind: 'none' });
  assert.equal(t.done, true);
  assert.equal(t.feed(data, 2, data.length), 2);
});

test('malformed chunking is refused', () => {
  for (const bad of ['zz\r\n', '5\r\nhelloXX', '5\nhello', '3\r\nabc\r\n0\r\n\rX']) {
    const t = new BodyTracker();
    t.reset(chunked);
    const data = Buffer.from(bad);
    assert.throws(() => t.feed(data, 0, data.length), /malformed chunked body/u, bad);
  }
});
