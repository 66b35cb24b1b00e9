import assert from 'node:assert/strict';
import { test } from 'node:test';
import { convergence, taskErrors } from './converge.ts';
import type { ServiceState, Task } from './observe.ts';
import { previousSha } from './history.ts';

function state(over: Partial<ServiceState>): ServiceState {
  return {
    id: 'id', name: 'a', image: 'img:1', running: 2, desired: 2, updateState: null, updateMessage: null,
    updateStartedAt: null, taskSpecJson: '{}', ...over,
  };
}

test('a service converges when it runs its image with every replica and no update is in flight', () => {
  assert.deepEqual(convergence(new Map([['a', state({})]]), { a: { image: 'img:1' } }), { kind: 'converged' });
  assert.deepEqual(convergence(new Map([['a', state({ running: 1 })]]), { a: { image: 'img:1' } }), { kind: 'waiting', pending: ['a'] });
  assert.deepEqual(convergence(new Map([['a', state({ image: 'img:0' })]]), { a: { image: 'img:1' } }), { kind: 'waiting', pending: ['a'] });
  assert.deepEqual(convergence(new Map(), { a: { image: 'img:1' } }), { kind: 'waiting', pending: ['a'] });
  assert.deepEqual(convergence(new Map([['a', state({ updateState: 'updating' })]]), { a: { image: 'img:1' } }), { kind: 'waiting', pending: ['a'] });
});

test('a replaced service needs a completed update newer than the one before the deploy', () => {
  const want = { a: { image: 'img:1', replacedAfter: 't0' } };
  // Old tasks still count as running right after the deploy: not enough.
  assert.equal(convergence(new Map([['a', state({ updateState: 'completed', updateStartedAt: 't0' })]]), want).kind, 'waiting');
  assert.equal(convergence(new Map([['a', state({ updateState: 'updating', updateStartedAt: 't1' })]]), want).kind, 'waiting');
  assert.equal(convergence(new Map([['a', state({ updateState: 'completed', updateStartedAt: 't1' })]]), want).kind, 'converged');
});

test('a paused or rolled-back update fails at once', () => {
  const c = convergence(new Map([['a', state({ updateState: 'paused', updateMessage: 'update paused due to failure' })]]), { a: { image: 'img:1' } });
  assert.deepEqual(c, { kind: 'failed', service: 'a', reason: 'update paused: update paused due to failure' });
});

test('task errors are reported per service, deduplicated, with a fallback when Swarm says nothing', () => {
  const task = (over: Partial<Task>): Task => ({
    id: 'x', name: 's_a.1', service: 'a', image: 'i', node: 'n', desiredState: 'Shutdown', currentState: 'Failed 3 seconds ago', error: '', ports: '', ...over,
  });
  const lines = taskErrors([
    task({ error: 'task: non-zero exit (1)' }), task({ error: 'task: non-zero exit (1)' }), task({ error: 'No such image: i' }),
    task({ service: 'b', name: 's_b.1', currentState: 'Pending 2 seconds ago' }),
  ], ['a', 'b']);
  assert.deepEqual(lines, [
    'a: s_a.1: task: non-zero exit (1)',
    'a: s_a.1: No such image: i',
    'b: no task error reported (task states: Pending)',
  ]);
});

test('rollback without a SHA goes to the last release that differs from the current one', () => {
  const e = (sha: string) => ({ sha, deployedAt: '', kind: 'deploy' as const });
  assert.equal(previousSha([e('a'), e('b'), e('b')]), 'a');
  assert.equal(previousSha([e('a')]), null);
  assert.equal(previousSha([]), null);
});
