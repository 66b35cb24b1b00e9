// The router: literal and parameter segments, decoding, and 405 versus 404.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Router, type Handler } from './router.ts';

const h: Handler = () => Promise.resolve({ kind: 'json', status: 200, body: null });

test('matches literal and :param segments, decoding parameters', () => {
  const r = new Router().add('GET', '/api/games', h).add('GET', '/api/games/:id', h);
  const m = r.match('GET', '/api/games/rocket%20run');
  assert.equal(m.kind, 'found');
  assert.deepEqual(m.kind === 'found' ? m.params : null, { id: 'rocket run' });
  assert.equal(r.match('get', '/api/games/').kind, 'found');
  assert.equal(r.match('GET', '/api/games/a/b').kind, 'not-found');
  assert.equal(r.match('GET', '/api/games/%E0%A4%A').kind, 'not-found');
});

test('a path known under another method is method-not-allowed with the methods it takes', () => {
  const r = new Router().add('GET', '/api/games', h).add('POST', '/api/games', h);
  assert.deepEqual(r.match('DELETE', '/api/games'), { kind: 'method-not-allowed', allow: ['GET', 'POST'] });
});
