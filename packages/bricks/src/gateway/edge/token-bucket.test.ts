import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RateLimiter, retryAfterSeconds } from './token-bucket.ts';

// 2 per second, bursts of 3.
const rule = { capacity: 3, ratePerMs: 2 / 1000 };

test('a new client may make a burst of `capacity` requests, then waits for the next token', () => {
  const l = new RateLimiter(10);
  for (let i = 0; i < 3; i++) assert.deepEqual(l.take('a', rule, 1000), { allowed: true });
  assert.deepEqual(l.take('a', rule, 1000), { allowed: false, retryAfterMs: 500 });
  assert.deepEqual(l.take('a', rule, 1250), { allowed: false, retryAfterMs: 250 });
  assert.deepEqual(l.take('a', rule, 1500), { allowed: true });
  assert.equal(l.take('a', rule, 1500).allowed, false);
});

test('tokens come back at the rate, never beyond the capacity', () => {
  const l = new RateLimiter(10);
  for (let i = 0; i < 3; i++) l.take('a', rule, 0);
  // An hour idle refills to 3, not 7200.
  for (let i = 0; i < 3; i++) assert.equal(l.take('a', rule, 3_600_000).allowed, true);
  assert.equal(l.take('a', rule, 3_600_000).allowed, false);
});

test('clients have buckets of their own', () => {
  const l = new RateLimiter(10);
  for (let i = 0; i < 3; i++) l.take('a', rule, 0);
  assert.equal(l.take('a', rule, 0).allowed, false);
  assert.equal(l.take('b', rule, 0).allowed, true);
});

test('a clock that steps back gives no tokens', () => {
  const l = new RateLimiter(10);
  for (let i = 0; i < 3; i++) l.take('a', rule, 10_000);
  assert.equal(l.take('a', rule, 5_000).allowed, false);
  // Time is counted from the latest instant seen.
  assert.equal(l.take('a', rule, 10_499).allowed, false);
  assert.equal(l.take('a', rule, 10_500).allowed, true);
});

test('at most maxBuckets are kept; the least recently used goes first', () => {
  const l = new RateLimiter(2);
  for (let i = 0; i < 3; i++) l.take('a', rule, 0);
  l.take('b', rule, 0);
  l.take('a', rule, 0); // a used last: b is the oldest now
  l.take('c', rule, 0);
  assert.equal(l.size, 2);
  // a kept its empty bucket; b was dropped (and starts full again).
  assert.equal(l.take('a', rule, 0).allowed, false);
});

test('the wait is exact for rates that are no binary fraction', () => {
  const l = new RateLimiter(10);
  const hourly = { capacity: 2, ratePerMs: 2 / 3_600_000 };
  l.take('a', hourly, 0);
  l.take('a', hourly, 0);
  assert.deepEqual(l.take('a', hourly, 0), { allowed: false, retryAfterMs: 1_800_000 });
});

test('Retry-After is whole seconds, rounded up, at least 1', () => {
  assert.equal(retryAfterSeconds(1), 1);
  assert.equal(retryAfterSeconds(1000), 1);
  assert.equal(retryAfterSeconds(1001), 2);
});
