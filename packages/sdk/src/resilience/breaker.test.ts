import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CircuitBreaker } from './breaker.ts';

function fakeClock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1_000_000;
  return { now: () => t, advance: (ms) => (t += ms) };
}

test('opens after the configured consecutive failures, not before', () => {
  const clock = fakeClock();
  const b = new CircuitBreaker({ failures: 3, halfOpenAfterMs: 5000 }, clock.now);
  b.onFailure();
  b.onFailure();
  assert.equal(b.state.kind, 'closed');
  assert.equal(b.tryAcquire(), true);
  b.onFailure();
  assert.equal(b.state.kind, 'open');
  assert.equal(b.tryAcquire(), false);
});

test('a success resets the consecutive count', () => {
  const b = new CircuitBreaker({ failures: 2, halfOpenAfterMs: 10 }, fakeClock().now);
  b.onFailure();
  b.onSuccess();
  b.onFailure();
  assert.deepEqual(b.state, { kind: 'closed', failures: 1 });
});

test('half-opens after its time, lets exactly one probe through, closes on success', () => {
  const clock = fakeClock();
  const b = new CircuitBreaker({ failures: 1, halfOpenAfterMs: 5000 }, clock.now);
  b.onFailure();
  clock.advance(4999);
  assert.equal(b.tryAcquire(), false);
  clock.advance(1);
  assert.equal(b.state.kind, 'half-open');
  assert.equal(b.tryAcquire(), true);
  assert.equal(b.tryAcquire(), false, 'only one probe at a time');
  b.onSuccess();
  assert.equal(b.state.kind, 'closed');
  assert.equal(b.tryAcquire(), true);
});

test('a failed probe opens the breaker again for another full pause', () => {
  const clock = fakeClock();
  const b = new CircuitBreaker({ failures: 1, halfOpenAfterMs: 100 }, clock.now);
  b.onFailure();
  clock.advance(100);
  assert.equal(b.tryAcquire(), true);
  b.onFailure();
  assert.equal(b.state.kind, 'open');
  clock.advance(99);
  assert.equal(b.tryAcquire(), false);
  clock.advance(1);
  assert.equal(b.tryAcquire(), true);
});

test('a neutral outcome frees the probe slot without closing', () => {
  const clock = fakeClock();
  const b = new CircuitBreaker({ failures: 1, halfOpenAfterMs: 1 }, clock.now);
  b.onFailure();
  clock.advance(1);
  assert.equal(b.tryAcquire(), true);
  b.onNeutral();
  assert.equal(b.tryAcquire(), true);
});
