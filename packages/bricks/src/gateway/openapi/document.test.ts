// The document of the gateway's test contract: valid by a third-party validator, committed in
// gen/ with the openapi-typescript client types that library-api.typecheck.ts uses (checked
// fresh here), and each part of the mapping: templates, parameters, bodies, responses, errors.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { create } from '@bufbuild/protobuf';
import type { DescMethod, MessageInitShape } from '@bufbuild/protobuf';
import { validate } from '@readme/openapi-parser';
import openapiTS, { astToString } from 'openapi-typescript';
import { LibraryService } from '../gen/bricks/gateway/test/v1/library_pb.ts';
import { HttpRuleSchema, type HttpRule } from '../gen/google/api/http_pb.ts';
import { ruleFromOptions } from '../rules.ts';
import { openApiDocument } from './document.ts';
import type { Operation, OpenApiDocument, Parameter } from './types.ts';

const GEN = new URL('./gen/', import.meta.url);
const DOCUMENT_FILE = new URL('library.openapi.json', GEN);
const TYPES_FILE = new URL('library.openapi.ts', GEN);
/** Set to rewrite the committed files instead of comparing with them. */
const WRITE = process.env.BRICKS_TEST_WRITE_OPENAPI === '1';

const library = (): OpenApiDocument => openApiDocument([LibraryService], { title: 'Library', version: '1' });
/** The document as plain JSON, as the validator takes it (and changes it: it resolves $refs in place). */
const plain = (doc: OpenApiDocument): Parameters<typeof validate>[0] => JSON.parse(JSON.stringify(doc)) as Parameters<typeof validate>[0];

function op(doc: OpenApiDocument, path: string, verb: 'get' | 'put' | 'post' | 'delete' | 'patch'): Operation {
  const o = doc.paths[path]?.[verb];
  assert.ok(o !== undefined, `no ${verb} ${path} in ${Object.keys(doc.paths).join(', ')}`);
  return o;
}

const named = (o: Operation, where: 'path' | 'query'): Record<string, Parameter> => Object.fromEntries((o.parameters ?? []).filter((p) => p.in === where).map((p) => [p.name, p]));

/** LibraryService with the rules the test hands in by method name, the others as the proto has them. */
function withRules(rules: Record<string, MessageInitShape<typeof HttpRuleSchema>>): OpenApiDocument {
  const ruleOf = (m: DescMethod): HttpRule | undefined => {
    const r = rules[m.name];
    return r === undefined ? ruleFromOptions(m) : create(HttpRuleSchema, r);
  };
  return openApiDocument([LibraryService], { ruleOf });
}

test('the test contract document passes @readme/openapi-parser validate', async () => {
  const result = await validate(plain(library()));
  assert.equal(result.valid, true, JSON.stringify(result));
  assert.deepEqual(result.warnings, []);
});

test('the committed document and its openapi-typescript types are fresh', async () => {
  const doc = `${JSON.stringify(library(), null, 2)}\n`;
  const header = '// @generated from library.openapi.json by openapi-typescript: document.test.ts checks it is fresh (BRICKS_TEST_WRITE_OPENAPI=1 rewrites it).\n';
  const types = header + astToString(await openapiTS(JSON.parse(doc) as Parameters<typeof openapiTS>[0]));
  if (WRITE) {
    writeFileSync(DOCUMENT_FILE, doc);
    writeFileSync(TYPES_FILE, types);
  }
  const hint = 'run BRICKS_TEST_WRITE_OPENAPI=1 node scripts/run-tests.mjs unit openapi/document';
  assert.equal(readFileSync(DOCUMENT_FILE, 'utf8'), doc, `${DOCUMENT_FILE.pathname} is stale: ${hint}`);
  assert.equal(readFileSync(TYPES_FILE, 'utf8'), types, `${TYPES_FILE.pathname} is stale: ${hint}`);
});

test('one path per binding: variables become parameters, additional bindings their own path, custom verbs are omitted', () => {
  const doc = library();
  assert.deepEqual(Object.keys(doc.paths), [
    '/v1/shelves/{shelf}',
    '/v1/{name}',
    '/v1/books/{name}',
    '/v1/shelves/{shelf}/books/featured',
    '/v1/shelves/{shelf}/books',
    '/v1/{name}:archive',
    '/v1/files/{path}',
    '/v1/{name}/cover',
    '/v1/ingest',
    '/v1/fail/{code}',
  ]);
  assert.equal(op(doc, '/v1/{name}', 'get').operationId, 'LibraryService_GetBook');
  assert.equal(op(doc, '/v1/books/{name}', 'get').operationId, 'LibraryService_GetBook_1');
  // {name=shelves/*/books/*}: one parameter, its pattern the template's, "/" in the value.
  const name = named(op(doc, '/v1/{name}', 'get'), 'path').name!;
  assert.deepEqual(name.schema, { type: 'string', pattern: '^shelves/[^/]+/books/[^/]+$' });
  assert.equal(name.required, true);
  // {path=**}: any rest of the path.
  assert.deepEqual(named(op(doc, '/v1/files/{path}', 'get'), 'path').path!.schema, { type: 'string', pattern: '^.*$' });
  // {shelf}: the field's own JSON form (int64 as a string).
  assert.deepEqual(named(op(doc, '/v1/shelves/{shelf}', 'get'), 'path').shelf!.schema, { type: 'string', format: 'int64', pattern: '^-?[0-9]+$' });
  // Same shape, other name ({book.name}): the first path, the parameter saying what it binds.
  const patch = named(op(doc, '/v1/{name}', 'patch'), 'path').name!;
  assert.match(patch.description ?? '', /^Binds book\.name\./);
  assert.deepEqual(doc['x-bricks-omitted'], [{ binding: 'SEARCH /v1/books', where: 'bricks/gateway/test/v1/library.proto: bricks.gateway.test.v1.LibraryService.Search', reason: 'OpenAPI 3.1 has no field for the method SEARCH in a Path Item' }]);
});

test('template forms: unnamed wildcards, a deep variable after literals, an enum variable, two bindings on one OpenAPI path', async () => {
  const doc = withRules({
    GetFile: { pattern: { case: 'get', value: '/v2/*/files/{path=docs/**}:download' } },
    Fail: { pattern: { case: 'get', value: '/v2/fail/{code}/**' } },
    // The same OpenAPI path and verb as GetShelf: OpenAPI cannot hold both.
    GetFeaturedBook: { pattern: { case: 'get', value: '/v1/shelves/{shelf}' } },
  });
  const file = op(doc, '/v2/{_segment1}/files/{path}:download', 'get');
  assert.deepEqual(Object.keys(named(file, 'path')), ['_segment1', 'path']);
  assert.deepEqual(named(file, 'path').path!.schema, { type: 'string', pattern: '^docs/.*$' });
  assert.deepEqual(Object.keys(named(op(doc, '/v2/fail/{code}/{_segment1}', 'get'), 'path')), ['code', '_segment1']);
  const omitted = doc['x-bricks-omitted'] ?? [];
  assert.ok(omitted.some((o) => o.binding === 'GET /v1/shelves/{shelf}' && /GetFeaturedBook/.test(o.where) && /LibraryService_GetShelf/.test(o.reason)), JSON.stringify(omitted));
  assert.equal((await validate(plain(doc))).valid, true);
});

test('query parameters: every field the path and body leave, nested as a.b, repeated as arrays, enums by name, WKTs by their text', async () => {
  const list = named(op(library(), '/v1/shelves/{shelf}/books', 'get'), 'query');
  assert.deepEqual(Object.keys(list), ['pageSize', 'tags', 'filter.author', 'filter.genre', 'publishedAfter', 'maxAge', 'readMask', 'minRating', 'inPrint', 'flag', 'order', 'genres', 'cursor', 'token']);
  assert.deepEqual(list.tags, { name: 'tags', in: 'query', schema: { type: 'array', items: { type: 'string' } }, style: 'form', explode: true });
  assert.deepEqual(list['filter.genre']!.schema, { $ref: '#/components/schemas/bricks.gateway.test.v1.Genre' });
  assert.deepEqual(list.genres!.schema, { type: 'array', items: { $ref: '#/components/schemas/bricks.gateway.test.v1.Genre' } });
  assert.equal(list.publishedAfter!.schema.format, 'date-time');
  assert.deepEqual(list.minRating!.schema, { type: 'number', format: 'double' }, 'a wrapper in the query is its scalar: null has no text');
  assert.deepEqual(list.inPrint!.schema, { type: 'boolean' });
  assert.equal(list.cursor!.schema.type, 'string', 'uint64 as a string');
  assert.equal(list.token!.schema.contentEncoding, 'base64');
  const doc = library();
  assert.equal(op(doc, '/v1/shelves/{shelf}', 'put').parameters?.some((p) => p.in === 'query'), false, 'body "*" leaves nothing to the query');
  assert.deepEqual(Object.keys(named(op(doc, '/v1/shelves/{shelf}/books', 'post'), 'query')), ['requestId'], 'body "book" and the path leave request_id');
  assert.deepEqual(Object.keys(named(op(doc, '/v1/{name}', 'patch'), 'query')), ['updateMask']);
  // A path variable inside a message field leaves that message's other fields to the query.
  const inside = withRules({ UpdateBook: { pattern: { case: 'get', value: '/v2/{book.name=shelves/*/books/*}' } } });
  assert.deepEqual(Object.keys(named(op(inside, '/v2/{book.name}', 'get'), 'query')), ['book.title', 'book.genre', 'book.pages', 'book.published', 'updateMask']);
  assert.equal((await validate(plain(inside))).valid, true);
});

test('request bodies by the body selector: none, "*" less the path fields, one field, raw HttpBody', () => {
  const doc = library();
  assert.equal(op(doc, '/v1/shelves/{shelf}', 'get').requestBody, undefined);
  assert.deepEqual(op(doc, '/v1/shelves/{shelf}', 'put').requestBody?.content['application/json']?.schema, {
    type: 'object',
    properties: { theme: { type: 'string' }, labels: { type: 'array', items: { type: 'string' } } },
  });
  assert.deepEqual(op(doc, '/v1/{name}:archive', 'post').requestBody?.content['application/json']?.schema, { type: 'object', properties: { reason: { type: 'string' } } });
  assert.deepEqual(op(doc, '/v1/shelves/{shelf}/books', 'post').requestBody?.content['application/json']?.schema, { $ref: '#/components/schemas/bricks.gateway.test.v1.Book' });
  assert.deepEqual(op(doc, '/v1/{name}/cover', 'put').requestBody?.content, { '*/*': { schema: { type: 'string', format: 'binary' } } });
  assert.deepEqual(op(doc, '/v1/ingest', 'post').requestBody?.content, { '*/*': { schema: { type: 'string', format: 'binary' } } });
});

test('responses: the message, the response_body field, a raw HttpBody; errors as google.rpc.Status', () => {
  const doc = library();
  const ok = (o: Operation): unknown => {
    const r = o.responses['200'];
    return r !== undefined && 'content' in r ? r.content : undefined;
  };
  assert.deepEqual(ok(op(doc, '/v1/shelves/{shelf}', 'get')), { 'application/json': { schema: { $ref: '#/components/schemas/bricks.gateway.test.v1.Shelf' } } });
  assert.deepEqual(ok(op(doc, '/v1/shelves/{shelf}/books', 'post')), { 'application/json': { schema: { $ref: '#/components/schemas/bricks.gateway.test.v1.Book' } } }, 'response_body: "book"');
  assert.deepEqual(ok(op(doc, '/v1/files/{path}', 'get')), { '*/*': { schema: { type: 'string', format: 'binary' } } });
  assert.deepEqual(ok(op(doc, '/v1/{name}', 'delete')), { 'application/json': { schema: { type: 'object', properties: {}, additionalProperties: false } } }, 'Empty is {}');
  const fail = op(doc, '/v1/fail/{code}', 'get');
  assert.deepEqual(fail.responses['400'], { $ref: '#/components/responses/BadRequest' });
  assert.deepEqual(fail.responses['404'], { $ref: '#/components/responses/NotFound' });
  assert.deepEqual(fail.responses.default, { $ref: '#/components/responses/Error' });
  const error = doc.components.responses.Error!;
  assert.match(error.description, /404 not_found/);
  assert.match(error.description, /401 unauthenticated/);
  assert.match(error.description, /429 resource_exhausted/);
  assert.deepEqual(error.content, { 'application/json': { schema: { $ref: '#/components/schemas/google.rpc.Status' } } });
  assert.deepEqual(doc.components.responses.MethodNotAllowed!.headers?.Allow?.schema, { type: 'string' });
  assert.deepEqual(doc.components.schemas['google.rpc.Status']!.required, ['code', 'message', 'details']);
});

test('a rule the gateway cannot serve fails the document the same way', () => {
  assert.throws(() => withRules({ GetShelf: { pattern: { case: 'get', value: '/v1/{nope}' } } }), /library\.proto: bricks\.gateway\.test\.v1\.LibraryService\.GetShelf: the rule "GET \/v1\/\{nope\}" binds "nope"/);
});

test('info and servers from the options; the title defaults to the services', () => {
  const doc = openApiDocument([LibraryService], { version: '2.1.0', description: 'Books.', servers: [{ url: 'http://127.0.0.1:8080' }] });
  assert.deepEqual(doc.info, { title: 'LibraryService', version: '2.1.0', description: 'Books.' });
  assert.deepEqual(doc.servers, [{ url: 'http://127.0.0.1:8080' }]);
  assert.equal(openApiDocument([]).info.title, 'API');
});
