import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Turns } from './turns.ts';

/** A fake event loop: `turn()` runs what was scheduled for the next turn, in order. */
function fakeLoop(): { now: () => number; advance: (ms: number) => void; nextTurn: (f: () => void) => void; turn: () => void } {
  let t = 0;
  let pending: (() => void)[] = [];
  return {
    now: () => t,
    advance: (ms) => (t += ms),
    nextTurn: (f) => pending.push(f),
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

test('the expected wait is the calls ahead times the loop time per started call, measured between drains while calls queue', () => {
  const loop = fakeLoop();
  const turns = new Turns({ sliceMs: 2, ...loop });
  assert.equal(turns.expectedWaitMs(), 0, 'nothing measured yet');
  assert.equal(turns.mayRunNow(), true);
  loop.advance(2); // the slice is spent
  for (let i = 0; i < 10; i++) turns.later(() => loop.advance(1));
  loop.advance(3); // reading and refusing before the first drain
  loop.turn(); // drain 1 starts 2 calls (2 ms), 8 wait
  assert.equal(turns.waiting, 8);
  assert.equal(turns.expectedWaitMs(), 0, 'one drain alone measures nothing');
  loop.advance(4); // the rest of the loop: 4 ms
  loop.turn(); // drain 2: 2 started over 2 + 4 ms since drain 1 → 3 ms a call
  assert.equal(turns.waiting, 6);
  assert.equal(turns.expectedWaitMs(), 7 * 3);
});
