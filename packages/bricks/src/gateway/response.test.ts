// Answers into HTTP: response_body of each kind of field, and failures into google.rpc.Status.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { create } from '@bufbuild/protobuf';
import { BricksError } from '@bricks/sdk';
import { GatewayError } from './errors.ts';
import { CreateBookResponseSchema, LibraryService, ListBooksResponseSchema } from './gen/bricks/gateway/test/v1/library_pb.ts';
import { HttpRuleSchema } from './gen/google/api/http_pb.ts';
import { errorResponse, transcodeResponse } from './response.ts';
import { bindingsOf, ruleFromOptions, type Binding } from './rules.ts';

function listBooksWith(responseBody: string): Binding {
  const rule = create(HttpRuleSchema, { pattern: { case: 'get', value: '/v1/x' }, responseBody });
  const b = bindingsOf(LibraryService, (m) => (m.name === 'ListBooks' ? rule : ruleFromOptions(m))).find((x) => x.method.name === 'ListBooks');
  assert.ok(b !== undefined);
  return b;
}

test('response_body: a scalar field with its default, a list, an unset message', () => {
  const empty = create(ListBooksResponseSchema);
  assert.equal(transcodeResponse(listBooksWith('next_page_token'), empty).body, '""');
  assert.equal(transcodeResponse(listBooksWith('next_page_token'), create(ListBooksResponseSchema, { nextPageToken: 'n' })).body, '"n"');
  assert.equal(transcodeResponse(listBooksWith('books'), create(ListBooksResponseSchema, { books: [{ title: 'A' }] })).body, '[{"title":"A"}]');
  const create_ = bindingsOf(LibraryService).find((b) => b.method.name === 'CreateBook');
  assert.ok(create_ !== undefined);
  assert.equal(transcodeResponse(create_, create(CreateBookResponseSchema, { requestId: 'r' })).body, '{}');
});

test('failures: RPC codes, the gateway\'s own 400, anything else a 500', () => {
  const parse = (b: Uint8Array | string): unknown => JSON.parse(String(b));
  const r = errorResponse(new BricksError('deadline_exceeded', 'too slow'));
  assert.equal(r.status, 504);
  assert.deepEqual(parse(r.body), { code: 4, message: 'too slow', details: [] });
  const g = errorResponse(new GatewayError('bad-request', 'query parameter x: bad'));
  assert.equal(g.status, 400);
  assert.deepEqual(parse(g.body), { code: 3, message: 'query parameter x: bad', details: [] });
  assert.equal(errorResponse(new Error('boom')).status, 500);
  assert.equal(errorResponse(new DOMException('gone', 'AbortError')).status, 499);
});
