import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Turns } from './turns.ts';

/** A fake event loop: `turn()` runs what was scheduled for the next turn, in order. */
function fakeLoop(): { now: () => number; advance: (ms: number) => void; nextTurn: (f: () => void) => void; afterMicrotasks: (f: () => void) => void; turn: () => void } {
  let t = 0;
  let pending: (() => void)[] = [];
  return {
    now: () => t,
    advance: (ms) => (t += ms),
    nextTurn: (f) => pending.push(f),
    // These tests' handlers do their work synchronously: nothing is left for microtasks.
    afterMicrotasks: (f) => f(),
    turn: () => {
      const run = pending;
      pending = [];
      for (const f of run) f();
    },
  };
}

test('calls start at once until the turn has spent its slice, then wait for the next turn, in order', () => {
  const loop = fakeLoop();
  const turns = new Turns({ sliceMs: 5, ...loop });
  const started: number[] = [];
  for (let i = 0; i < 10; i++) {
    if (turns.mayRunNow()) {
      started.push(i);
      loop.advance(1); // each call's handler takes 1 ms
    } else {
      turns.later(() => {
        started.push(i);
        loop.advance(1);
      });
    }
  }
  assert.deepEqual(started, [0, 1, 2, 3, 4]);
  assert.equal(turns.waiting, 5);
  loop.turn();
  assert.deepEqual(started, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(turns.waiting, 0);
});

test('a long queue is started a slice per turn, so the loop can write answers in between', () => {
  const loop = fakeLoop();
  const turns = new Turns({ sliceMs: 3, ...loop });
  let started = 0;
  for (let i = 0; i < 10; i++)
    turns.later(() => {
      started++;
      loop.advance(1);
    });
  loop.turn();
  assert.equal(started, 3);
  loop.turn();
  assert.equal(started, 6);
  loop.turn();
  loop.turn();
  assert.equal(started, 10);
});

test('while calls wait, a new one waits behind them (first come, first served)', () => {
  const loop = fakeLoop();
  const turns = new Turns({ sliceMs: 1, ...loop });
  const order: string[] = [];
  turns.later(() => order.push('first'));
  assert.equal(turns.mayRunNow(), false);
  turns.later(() => order.push('second'));
  loop.turn();
  assert.deepEqual(order, ['first', 'second']);
  loop.turn();
  assert.equal(turns.mayRunNow(), true);
});

test('a new turn has a fresh slice', () => {
  const loop = fakeLoop();
  const turns = new Turns({ sliceMs: 2, ...loop });
  assert.equal(turns.mayRunNow(), true);
  loop.advance(5);
  assert.equal(turns.mayRunNow(), false);
  loop.turn();
  assert.equal(turns.mayRunNow(), true);
});

test('a handler that awaits once and then works spends the slice too: a drain does not start every waiting call at once', async () => {
  const loop = fakeLoop();
  // The real default: the next start waits until the microtasks the last one queued have run.
  const turns = new Turns({ sliceMs: 5, now: loop.now, nextTurn: loop.nextTurn });
  let started = 0;
  let worked = 0;
  for (let i = 0; i < 10; i++)
    turns.later(() => {
      started++;
      // As `await db; compute()`: the work (2 ms) runs in a microtask after the start returned.
      void Promise.resolve().then(() => {
        worked++;
        loop.advance(2);
      });
    });
  loop.turn();
  await new Promise((r) => setImmediate(r));
  // 2 + 2 < 5, 2 + 2 + 2 >= 5: the third start spends the slice, the rest wait for a turn.
  assert.equal(started, 3);
  assert.equal(worked, 3);
  assert.equal(turns.waiting, 7);
  loop.turn();
  await new Promise((r) => setImmediate(r));
  assert.equal(started, 6);
});
