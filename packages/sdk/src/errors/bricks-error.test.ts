import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Code, ConnectError } from '@connectrpc/connect';
import { BricksError, codeFromGrpc, codes, codeToGrpc } from './index.ts';

test('codes map one-to-one onto gRPC status numbers 1..16', () => {
  const numbers = Object.values(codes).sort((a, b) => a - b);
  assert.deepEqual(numbers, Array.from({ length: 16 }, (_, i) => i + 1));
  for (const [name, n] of Object.entries(codes)) assert.equal(codeFromGrpc(n), name);
  assert.equal(codeToGrpc('deadline_exceeded'), Code.DeadlineExceeded);
  assert.equal(codeToGrpc('unavailable'), Code.Unavailable);
  assert.equal(codeFromGrpc(0), 'unknown');
  assert.equal(codeFromGrpc(99), 'unknown');
});

test('from() keeps the code of a ConnectError and the error as cause', () => {
  const ce = new ConnectError('gone', Code.NotFound);
  const e = BricksError.from(ce);
  assert.equal(e.code, 'not_found');
  assert.equal(e.rawMessage, 'gone');
  assert.equal(e.cause, ce);
  assert.equal(e.unsent, false);
});

test('from() marks a refused connection anywhere in the cause chain as unsent', () => {
  const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
  const e = BricksError.from(new ConnectError('unavailable', Code.Unavailable, undefined, undefined, refused));
  assert.equal(e.code, 'unavailable');
  assert.equal(e.unsent, true);
  assert.equal(BricksError.from(refused).unsent, true);
  assert.equal(BricksError.from(refused).code, 'unavailable');
});

test('from() understands the fast transport (numeric code, neverSent) and abort reasons', () => {
  const fast = Object.assign(new Error('going away'), { code: 14, neverSent: true });
  assert.deepEqual([BricksError.from(fast).code, BricksError.from(fast).unsent], ['unavailable', true]);
  assert.equal(BricksError.from(new DOMException('t', 'TimeoutError')).code, 'deadline_exceeded');
  assert.equal(BricksError.from(new DOMException('a', 'AbortError')).code, 'cancelled');
  assert.equal(BricksError.from('boom').code, 'unknown');
  assert.equal(BricksError.from(new Error('x'), 'internal').code, 'internal');
  const same = new BricksError('aborted', 'a');
  assert.equal(BricksError.from(same), same);
});
