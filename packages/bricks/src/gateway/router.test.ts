// The router: most specific template wins, variables come out decoded as the spec says, a
// path only other verbs serve is a 405, and a second route of the same shape is refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Router } from './router.ts';
import { parseTemplate } from './template.ts';

function router(): Router<string> {
  const r = new Router<string>();
  for (const [verb, text, name] of [
    ['GET', '/v1/{name=shelves/*/books/*}', 'getBook'],
    ['GET', '/v1/shelves/{shelf}/books/featured', 'featured'],
    ['POST', '/v1/{name=shelves/*/books/*}:archive', 'archive'],
    ['GET', '/v1/files/{path=**}', 'file'],
    ['GET', '/v1/files', 'files'],
    ['DELETE', '/v1/{name=shelves/*/books/*}', 'delete'],
  ] as const) {
    assert.equal(r.add(verb, parseTemplate(text), name), undefined);
  }
  return r;
}

function matched(r: Router<string>, verb: string, path: string): [string, Record<string, string>] {
  const m = r.match(verb, path);
  assert.equal(m.kind, 'matched', `${verb} ${path}`);
  if (m.kind !== 'matched') throw new Error('unreachable');
  return [m.value, Object.fromEntries(m.variables.map((v) => [v.variable.fieldPath.join('.'), v.value]))];
}

test('the most specific template wins, and variables are bound', () => {
  const r = router();
  assert.deepEqual(matched(r, 'GET', '/v1/shelves/1/books/featured'), ['featured', { shelf: '1' }]);
  assert.deepEqual(matched(r, 'GET', '/v1/shelves/1/books/b2'), ['getBook', { name: 'shelves/1/books/b2' }]);
  assert.deepEqual(matched(r, 'POST', '/v1/shelves/1/books/b2:archive'), ['archive', { name: 'shelves/1/books/b2' }]);
  assert.deepEqual(matched(r, 'GET', '/v1/files'), ['files', {}]);
  assert.deepEqual(matched(r, 'GET', '/v1/files/a/b/c.txt'), ['file', { path: 'a/b/c.txt' }]);
});

test('one-segment variables decode everything; multi-segment ones keep %2F', () => {
  const r = new Router<string>();
  r.add('GET', parseTemplate('/v1/users/{id}'), 'user');
  r.add('GET', parseTemplate('/v1/files/{path=**}'), 'file');
  assert.deepEqual(matched(r, 'GET', '/v1/users/a%2Fb%20c%C3%A9'), ['user', { id: 'a/b cé' }]);
  assert.deepEqual(matched(r, 'GET', '/v1/files/dir/a%2Fb%2f%20c'), ['file', { path: 'dir/a%2Fb%2f c' }]);
  assert.throws(() => r.match('GET', '/v1/users/%E0%A4'), /path variable id/);
});

test('405 names the verbs the path has; 404 when none', () => {
  const r = router();
  assert.deepEqual(r.match('PUT', '/v1/shelves/1/books/b2'), { kind: 'method-not-allowed', allowed: ['DELETE', 'GET'] });
  assert.deepEqual(r.match('GET', '/v2/nothing'), { kind: 'not-found' });
  assert.deepEqual(r.match('GET', '/v1/shelves//books/b'), { kind: 'not-found' });
});

test('a second route of the same verb and shape is refused with the first one named', () => {
  const r = router();
  assert.equal(r.add('GET', parseTemplate('/v1/{other=shelves/*/books/*}'), 'clash'), 'getBook');
  assert.equal(r.add('PUT', parseTemplate('/v1/{other=shelves/*/books/*}'), 'fine'), undefined);
});
