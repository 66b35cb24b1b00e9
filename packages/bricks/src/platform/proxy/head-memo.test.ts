// The head memo: only an identical head with the same variant reuses a result, and heads from
// big reads are not kept.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HeadMemo, maxMemoSourceChars } from './head-memo.ts';

test('an identical head and variant get the remembered result; anything else misses', () => {
  const memo = new HeadMemo<{ n: number }>();
  const parsed = { n: 1 };
  assert.equal(memo.get('', false), undefined, 'an empty memo remembers nothing, not even the empty head');
  memo.set('HTTP/1.1 200 OK\r\nA: b', false, parsed, 40);
  assert.equal(memo.get(`HTTP/1.1 200 OK\r\n${'A: b'}`, false), parsed);
  assert.equal(memo.get('HTTP/1.1 200 OK\r\nA: c', false), undefined);
  assert.equal(memo.get('HTTP/1.1 200 OK\r\nA: b', true), undefined);
});

test('a head sliced from a big read is not remembered', () => {
  const memo = new HeadMemo<number>();
  memo.set('x', false, 1, maxMemoSourceChars + 1);
  assert.equal(memo.get('x', false), undefined);
  memo.set('x', false, 2, maxMemoSourceChars);
  assert.equal(memo.get('x', false), 2);
});
