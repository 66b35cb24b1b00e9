// GET /openapi.json answers with the document; other methods get a 405 in google.rpc.Status form.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LibraryService } from '../gen/bricks/gateway/test/v1/library_pb.ts';
import { openApiDocument } from './document.ts';
import { OPENAPI_PATH, openApiHandler } from './handler.ts';

test('GET and HEAD get the document as JSON; other methods a 405 naming the allowed ones', () => {
  const doc = openApiDocument([LibraryService], { title: 'Library', version: '1' });
  const handle = openApiHandler(doc);
  assert.equal(OPENAPI_PATH, '/openapi.json');
  const get = handle('GET');
  assert.equal(get.status, 200);
  assert.equal(get.contentType, 'application/json');
  assert.deepEqual(JSON.parse(String(get.body)), JSON.parse(JSON.stringify(doc)));
  const head = handle('HEAD');
  assert.equal(head.status, 200);
  assert.equal(head.body, '');
  const post = handle('POST');
  assert.equal(post.status, 405);
  assert.deepEqual(post.headers, { allow: 'GET, HEAD' });
  assert.deepEqual(JSON.parse(String(post.body)), { code: 12, message: '/openapi.json takes GET, HEAD, not POST', details: [] });
});
