// The bulkhead: slots, a first-come queue, refusals and aborted waits.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BricksError } from '../errors/index.ts';
import { Bulkhead } from './bulkhead.ts';

test('takes slots up to maxConcurrent, queues up to maxQueue in order, refuses the rest', async () => {
  const b = new Bulkhead(2, 1);
  const never = new AbortController().signal;
  assert.equal(b.tryEnter(), true);
  assert.equal(b.tryEnter(), true);
  assert.equal(b.tryEnter(), false);
  const order: string[] = [];
  const queued = b.enter(never, 'svc').then(() => order.push('queued'));
  await assert.rejects(b.enter(never, 'svc'), (e: unknown) => e instanceof BricksError && e.code === 'resource_exhausted' && e.unsent);
  assert.equal(b.queued, 1);
  assert.equal(b.tryEnter(), false, 'a free slot goes to the queue first');
  b.leave();
  await queued;
  assert.deepEqual(order, ['queued']);
  assert.equal(b.running, 2, 'the slot passed to the waiter');
  b.leave();
  b.leave();
  assert.equal(b.running, 0);
});

test('a waiter whose signal aborts leaves the queue with the reason', async () => {
  const b = new Bulkhead(1, 5);
  assert.equal(b.tryEnter(), true);
  const ac = new AbortController();
  const p = b.enter(ac.signal, 'svc');
  ac.abort(new BricksError('deadline_exceeded', 'late'));
  await assert.rejects(p, (e: unknown) => e instanceof BricksError && e.code === 'deadline_exceeded');
  assert.equal(b.queued, 0);
  b.leave();
  assert.equal(b.running, 0);
});
