import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AdaptiveLimiter, type LimiterOptions } from './limiter.ts';

const options: LimiterOptions = { initial: 20, min: 4, max: 200, tolerance: 2, slackMs: 5, windowMs: 100, minSamples: 10, baselineMs: 30_000 };

function fakeClock(): { now: () => number; advance: (ms: number) => void } {
  let t = 1_000_000;
  return { now: () => t, advance: (ms) => (t += ms) };
}

/** One window of traffic: `busy` calls in flight at once, each answered after `latencyMs`, then the window ends. */
function window(l: AdaptiveLimiter, clock: ReturnType<typeof fakeClock>, latencyMs: number, busy = l.limit): void {
  const n = Math.min(busy, l.limit);
  for (let i = 0; i < n; i++) assert.equal(l.tryAcquire(), true);
  for (let i = 0; i < n - 1; i++) l.release(latencyMs);
  // Enough samples in one window, whatever the limit.
  for (let i = n - 1; i < options.minSamples; i++) {
    l.tryAcquire();
    l.release(latencyMs);
  }
  // The window's time is over with its last answer: that one closes it.
  clock.advance(options.windowMs);
  l.release(latencyMs);
}

/** The phase, read through a call so that earlier assertions do not narrow its type. */
function phaseOf(l: AdaptiveLimiter): AdaptiveLimiter['phase'] {
  return l.phase;
}

/** Past the first window, which learns the baseline at the initial limit. */
function learnt(latencyMs: number): { l: AdaptiveLimiter; clock: ReturnType<typeof fakeClock> } {
  const clock = fakeClock();
  const l = new AdaptiveLimiter(options, clock.now);
  assert.equal(l.phase.kind, 'learning');
  assert.equal(l.limit, options.initial);
  window(l, clock, latencyMs);
  assert.deepEqual(l.phase, { kind: 'limiting', baselineMs: latencyMs, measuredAt: clock.now() });
  assert.equal(l.limit, options.initial);
  return { l, clock };
}

test('refuses once its limit is in flight, and takes calls again as they finish', () => {
  const clock = fakeClock();
  const l = new AdaptiveLimiter(options, clock.now);
  for (let i = 0; i < options.initial; i++) assert.equal(l.tryAcquire(), true);
  assert.equal(l.tryAcquire(), false);
  assert.equal(l.inFlight, options.initial);
  l.release(1);
  assert.equal(l.tryAcquire(), true);
});

test('grows while latency stays near its baseline', () => {
  const { l, clock } = learnt(10);
  let last = l.limit;
  for (let i = 0; i < 20; i++) {
    window(l, clock, 12);
    assert.ok(l.limit >= last, `window ${i}: ${l.limit} < ${last}`);
    last = l.limit;
  }
  assert.ok(l.limit > options.initial + 10, `grew only to ${l.limit}`);
});

test('shrinks when latency rises, in proportion, but at most by half a window', () => {
  const { l, clock } = learnt(10);
  const before = l.limit;
  window(l, clock, 100); // 10× the baseline: well past tolerance and slack
  assert.ok(l.limit < before, `${l.limit} did not shrink from ${before}`);
  assert.ok(l.limit >= Math.floor(before * 0.5), `${l.limit} shrank by more than half of ${before}`);
  // Held at 10× its baseline it settles where halving is balanced by the square-root headroom: 4.
  for (let i = 0; i < 60; i++) window(l, clock, 100);
  assert.ok(l.limit <= options.min + 1, `still at ${l.limit}`);
});

test('small queueing delays (under the slack) never shrink it', () => {
  const { l, clock } = learnt(1);
  const before = l.limit;
  for (let i = 0; i < 5; i++) window(l, clock, 1 + options.slackMs - 0.5);
  assert.ok(l.limit >= before);
});

test('a pause that holds a few calls up (a descheduled process) does not shrink it: the window is judged by its median', () => {
  const { l, clock } = learnt(5);
  const before = l.limit;
  for (let i = 0; i < 18; i++) {
    l.tryAcquire();
    l.release(5);
  }
  for (let i = 0; i < 3; i++) {
    l.tryAcquire();
    l.release(400);
  }
  clock.advance(options.windowMs);
  l.tryAcquire();
  l.release(5);
  assert.ok(l.limit >= before, `${l.limit} < ${before}`);
});

test('never above its ceiling', () => {
  const { l, clock } = learnt(10);
  for (let i = 0; i < 2000; i++) window(l, clock, 10);
  assert.equal(l.limit, options.max);
});

test('an unused limit does not grow (growth needs calls that use it)', () => {
  const { l, clock } = learnt(10);
  const before = l.limit;
  for (let i = 0; i < 10; i++) window(l, clock, 10, 2);
  assert.equal(l.limit, before);
});

test('a window moves the limit only when it has lasted its time and has its samples', () => {
  const { l, clock } = learnt(10);
  const before = l.limit;
  for (let i = 0; i < options.minSamples * 3; i++) {
    l.tryAcquire();
    l.release(1000);
  }
  assert.equal(l.limit, before, 'moved before the window was over');
  clock.advance(options.windowMs);
  l.tryAcquire();
  l.release(1000);
  assert.ok(l.limit < before);
});

test('a cancelled call gives its place back without a sample', () => {
  const { l, clock } = learnt(10);
  const before = l.limit;
  l.tryAcquire();
  clock.advance(options.windowMs);
  for (let i = 0; i < options.minSamples * 2; i++) l.release(undefined);
  assert.equal(l.inFlight, 0);
  assert.equal(l.limit, before);
});

test('while it refuses calls, re-measures its baseline at the minimum limit after baselineMs; a quieter window lowers it at once', () => {
  const { l, clock } = learnt(10);
  window(l, clock, 6);
  assert.equal(l.phase.kind === 'limiting' && l.phase.baselineMs, 6);
  clock.advance(options.baselineMs);
  // A full limit and one more: refused.
  const n = l.limit;
  for (let i = 0; i < n; i++) l.tryAcquire();
  assert.equal(l.tryAcquire(), false);
  for (let i = 0; i < Math.max(n, options.minSamples); i++) {
    if (i >= n) l.tryAcquire();
    l.release(6);
  }
  assert.equal(l.phase.kind, 'probing');
  assert.equal(l.limit, options.min);
  window(l, clock, 8);
  // The probe's window (some of its calls answered in 6 ms, the rest in 8) is the new baseline.
  const after = phaseOf(l);
  assert.ok(after.kind === 'limiting' && after.baselineMs > 6 && after.baselineMs <= 8 && after.measuredAt === clock.now(), JSON.stringify(after));
});

test('a server that refuses nothing is never probed: its baseline is kept, or lowered', () => {
  const { l, clock } = learnt(10);
  clock.advance(options.baselineMs);
  window(l, clock, 12, 3);
  assert.equal(l.phase.kind === 'limiting' && l.phase.baselineMs, 10);
  clock.advance(options.baselineMs);
  window(l, clock, 7, 3);
  assert.ok(l.phase.kind === 'limiting' && l.phase.baselineMs < 10, 'a quieter window lowered it');
});

test('bad bounds are refused', () => {
  assert.throws(() => new AdaptiveLimiter({ ...options, min: 0 }, Date.now), /min 0/);
  assert.throws(() => new AdaptiveLimiter({ ...options, min: 300 }, Date.now), /at most max 200/);
});
