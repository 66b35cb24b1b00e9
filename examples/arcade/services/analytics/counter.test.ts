// The per-replica event counter: counts per name, a repeated id counts once, old ids are forgotten.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventCounter } from './counter.ts';

test('counts per event name; an id seen before is not counted again', () => {
  const c = new EventCounter();
  assert.deepEqual(c.track('e1', 'play'), { accepted: true, count: 1 });
  assert.deepEqual(c.track('e2', 'play'), { accepted: true, count: 2 });
  assert.deepEqual(c.track('e1', 'play'), { accepted: false, count: 2 });
  assert.deepEqual(c.track('e3', 'quit'), { accepted: true, count: 1 });
  // No id: nothing to deduplicate by, every one counts.
  assert.deepEqual(c.track('', 'play'), { accepted: true, count: 3 });
  assert.deepEqual(c.track('', 'play'), { accepted: true, count: 4 });
});

test('remembers a bounded number of ids, forgetting the oldest first', () => {
  const c = new EventCounter(2);
  c.track('a', 'x');
  c.track('b', 'x');
  c.track('c', 'x');
  assert.equal(c.track('b', 'x').accepted, false);
  assert.equal(c.track('a', 'x').accepted, true);
  assert.equal(c.count('x'), 4);
});
