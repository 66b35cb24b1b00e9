import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Throttle } from './throttle.ts';

function fakeClock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1_000_000;
  return { now: () => t, advance: (ms) => (t += ms) };
}

/** A random source that yields the given values in turn, forever. */
function sequence(...xs: number[]): () => number {
  let i = 0;
  return () => xs[i++ % xs.length]!;
}

test('never refuses while the target accepts what is sent', () => {
  const clock = fakeClock();
  const t = new Throttle({ accepts: 2, windowMs: 30_000 }, clock.now, () => 0);
  for (let i = 0; i < 1000; i++) {
    assert.equal(t.tryRequest(), true);
    t.onAccept();
    clock.advance(10);
  }
  assert.equal(t.rejectProbability, 0);
});

test('tolerates up to K requests per accept before refusing any', () => {
  const t = new Throttle({ accepts: 2, windowMs: 30_000 }, fakeClock().now, () => 0);
  // 100 requests, 50 accepted: requests − 2·accepts = 0.
  for (let i = 0; i < 100; i++) {
    assert.equal(t.tryRequest(), true);
    if (i % 2 === 0) t.onAccept();
    else t.onRefused();
  }
  assert.equal(t.rejectProbability, 0);
});

test('refuses with probability max(0, (requests − K·accepts) / (requests + 1)) once the target refuses', () => {
  const t = new Throttle({ accepts: 2, windowMs: 30_000 }, fakeClock().now, sequence(0.999));
  // 100 requests, 10 accepted: (100 − 20) / 101.
  for (let i = 0; i < 100; i++) {
    t.tryRequest();
    if (i < 10) t.onAccept();
    else t.onRefused();
  }
  assert.equal(t.rejectProbability, 80 / 101);
  // A draw above the probability goes out, one below is refused; both count as requests.
  assert.equal(t.tryRequest(), true);
  const refusing = new Throttle({ accepts: 2, windowMs: 30_000 }, fakeClock().now, sequence(0.1));
  for (let i = 0; i < 100; i++) refusing.onRefused();
  assert.equal(refusing.tryRequest(), false);
  assert.equal(refusing.counts.requests, 101);
});

test('with a target that accepts nothing, the share refused approaches all but never reaches it', () => {
  let draws = 0;
  const rand = (): number => ((draws = (draws * 7919 + 13) % 1000), draws / 1000);
  const t = new Throttle({ accepts: 2, windowMs: 30_000 }, fakeClock().now, rand);
  let sent = 0;
  for (let i = 0; i < 1000; i++) {
    if (!t.tryRequest()) continue;
    sent++;
    t.onRefused();
  }
  assert.ok(sent > 0 && sent < 100, `sent ${sent} of 1000`);
  assert.ok(t.rejectProbability < 1);
});

test('forgets what is older than its window, so a recovered target is called again', () => {
  const clock = fakeClock();
  const t = new Throttle({ accepts: 2, windowMs: 10_000 }, clock.now, () => 0);
  for (let i = 0; i < 100; i++) t.onRefused();
  assert.ok(t.rejectProbability > 0.9);
  clock.advance(5_000);
  assert.ok(t.rejectProbability > 0.9, 'half a window later the refusals still count');
  clock.advance(5_000);
  assert.equal(t.rejectProbability, 0);
  assert.deepEqual(t.counts, { requests: 0, accepts: 0 });
});

test('calls in flight are not counted until answered: a burst at the start is not read as refused', () => {
  const t = new Throttle({ accepts: 2, windowMs: 30_000 }, fakeClock().now, () => 0);
  for (let i = 0; i < 100; i++) assert.equal(t.tryRequest(), true);
  assert.deepEqual(t.counts, { requests: 0, accepts: 0 });
  for (let i = 0; i < 100; i++) t.onAccept();
  assert.equal(t.rejectProbability, 0);
});
