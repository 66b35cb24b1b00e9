// The proto3 JSON mapping of every kind of field (testdata/kinds.proto), and comments as
// descriptions: the protos are built by buf as `bricks gen --openapi` builds them, so the
// descriptors keep their source info.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, after, test } from 'node:test';
import { validate } from '@readme/openapi-parser';
import { describeProject } from '../../codegen/index.ts';
import { servicesFromDescriptorSet } from '../descriptor-set.ts';
import { openApiDocument } from './document.ts';
import type { OpenApiDocument, Parameter, Schema } from './types.ts';

const HERE = new URL('.', import.meta.url).pathname;
const REPO_MODULES = new URL('../../../../../node_modules/', import.meta.url).pathname;
const PKG = 'bricks.gateway.openapi.test.v1';

let dir = '';
let doc: OpenApiDocument;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bricks-openapi-kinds-'));
  mkdirSync(join(dir, 'proto/bricks/gateway/openapi/test/v1'), { recursive: true });
  cpSync(join(HERE, 'testdata/kinds.proto'), join(dir, 'proto/bricks/gateway/openapi/test/v1/kinds.proto'));
  cpSync(join(HERE, '../proto/google'), join(dir, 'proto/google'), { recursive: true });
  mkdirSync(join(dir, 'node_modules/@bufbuild'), { recursive: true });
  for (const tool of ['buf', 'protoc-gen-es']) symlinkSync(join(REPO_MODULES, '@bufbuild', tool), join(dir, 'node_modules/@bufbuild', tool));
  const services = servicesFromDescriptorSet(await describeProject(dir), 'kinds');
  assert.deepEqual(services.map((s) => s.typeName), [`${PKG}.KindsService`]);
  doc = openApiDocument(services, { title: 'Kinds', version: '1' });
});

after(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

const kinds = (): Record<string, Schema> => {
  const s = doc.components.schemas[`${PKG}.Kinds`];
  assert.ok(s !== undefined);
  return s.properties as Record<string, Schema>;
};

test('the document of every kind of field passes @readme/openapi-parser validate', async () => {
  const result = await validate(JSON.parse(JSON.stringify(doc)) as Parameters<typeof validate>[0]);
  assert.equal(result.valid, true, JSON.stringify(result));
});

test('scalars: 64-bit integers and bytes as strings, json_name as the property', () => {
  const p = kinds();
  assert.deepEqual(p.i64, { type: 'string', format: 'int64', pattern: '^-?[0-9]+$', description: 'Written as a string.' });
  assert.deepEqual(p.u64, { type: 'string', format: 'uint64', pattern: '^[0-9]+$' });
  assert.deepEqual(p.i32, { type: 'integer', format: 'int32' });
  assert.deepEqual(p.u32, { type: 'integer', format: 'uint32', minimum: 0 });
  assert.deepEqual(p.d, { type: 'number', format: 'double' });
  assert.deepEqual(p.f, { type: 'number', format: 'float' });
  assert.deepEqual(p.b, { type: 'boolean' });
  assert.deepEqual(p.raw, { type: 'string', format: 'byte', contentEncoding: 'base64' });
  assert.deepEqual(p.otherName, { type: 'string' });
  assert.equal(p.renamed, undefined);
  assert.deepEqual(p.maybe, { type: 'string' }, 'proto3 optional is a plain property, not a oneof');
});

test('enums by name, with the comments of the enum and its values', () => {
  assert.deepEqual(kinds().color, { $ref: `#/components/schemas/${PKG}.Color` });
  assert.deepEqual(kinds().colors, { type: 'array', items: { $ref: `#/components/schemas/${PKG}.Color` } });
  assert.deepEqual(doc.components.schemas[`${PKG}.Color`], { type: 'string', enum: ['COLOR_UNSPECIFIED', 'COLOR_RED'], description: 'A colour.\n- COLOR_RED: Like blood.' });
  assert.deepEqual(kinds().nullValue, { type: 'null' });
});

test('maps as objects of their values, keys by their text; recursion by $ref', () => {
  const p = kinds();
  assert.deepEqual(p.counts, { type: 'object', additionalProperties: { type: 'string', format: 'int64', pattern: '^-?[0-9]+$' } });
  assert.deepEqual(p.children, { type: 'object', additionalProperties: { $ref: `#/components/schemas/${PKG}.Kinds` }, propertyNames: { pattern: '^-?[0-9]+$' } });
  assert.deepEqual(p.flags, { type: 'object', additionalProperties: { $ref: `#/components/schemas/${PKG}.Color` }, propertyNames: { pattern: '^(true|false)$' } });
  assert.deepEqual(p.many, { type: 'array', items: { $ref: `#/components/schemas/${PKG}.Kinds` } });
});

test('a oneof: plain properties, at most one of them set', () => {
  const k = doc.components.schemas[`${PKG}.Kinds`]!;
  assert.deepEqual(k.not, { anyOf: [{ required: ['text', 'number'] }, { required: ['text', 'nested'] }, { required: ['number', 'nested'] }] });
  assert.match(String(kinds().text?.description), /One of choice: at most one of text, number, nested is set/);
  assert.equal(k.description, 'Every kind of field.');
});

test('well-known types inline as their JSON: strings with formats, nullable wrappers, free JSON, Any, Empty', () => {
  const p = kinds();
  assert.equal(p.at?.format, 'date-time');
  assert.equal(p.ttl?.pattern, '^-?[0-9]+(\\.[0-9]{1,9})?s$');
  assert.equal(p.mask?.type, 'string');
  assert.deepEqual(p.wI64, { type: ['string', 'null'], format: 'int64', pattern: '^-?[0-9]+$' });
  assert.deepEqual(p.wU64, { type: ['string', 'null'], format: 'uint64', pattern: '^[0-9]+$' });
  assert.deepEqual(p.wI32, { type: ['integer', 'null'], format: 'int32' });
  assert.deepEqual(p.wU32, { type: ['integer', 'null'], format: 'uint32', minimum: 0 });
  assert.deepEqual(p.wF, { type: ['number', 'null'], format: 'float' });
  assert.deepEqual(p.wD, { type: ['number', 'null'], format: 'double' });
  assert.deepEqual(p.wB, { type: ['boolean', 'null'] });
  assert.deepEqual(p.wS, { type: ['string', 'null'] });
  assert.deepEqual(p.wRaw, { type: ['string', 'null'], format: 'byte', contentEncoding: 'base64' });
  assert.deepEqual(p.struct, { type: 'object', additionalProperties: true });
  assert.deepEqual(p.value, { description: 'Any JSON value.' });
  assert.deepEqual(p.list, { type: 'array', items: {} });
  assert.deepEqual(p.empty, { type: 'object', properties: {}, additionalProperties: false });
  assert.deepEqual((p.any?.required as unknown[]) ?? [], ['@type']);
  // An HttpBody inside JSON is a message: its data base64.
  assert.deepEqual(p.httpBody, { $ref: '#/components/schemas/google.api.HttpBody', description: 'Inside a JSON body an HttpBody is a message like any other.' });
  assert.deepEqual((doc.components.schemas['google.api.HttpBody']?.properties as Record<string, Schema>).data, { type: 'string', format: 'byte', contentEncoding: 'base64', description: 'The bytes of the body.' });
  // No component for a well-known type.
  assert.deepEqual(Object.keys(doc.components.schemas).filter((n) => n.startsWith('google.protobuf.')), []);
});

test('comments become the descriptions of tags and operations', () => {
  assert.deepEqual(doc.tags, [{ name: 'KindsService', description: 'Kinds over HTTP.' }]);
  assert.equal(doc.paths['/v1/kinds']?.post?.description, 'Answers with what it was sent.');
});

test('query parameters: what a query can carry (no maps, no lists of messages, no Struct, no recursion)', () => {
  const read = doc.paths['/v1/kinds/{s}']?.get;
  assert.ok(read !== undefined);
  const query = new Map((read.parameters ?? []).filter((p) => p.in === 'query').map((p): [string, Parameter] => [p.name, p]));
  // A message inside itself (nested: Kinds) would list without end: its fields are left out.
  for (const absent of ['s', 'counts', 'children', 'flags', 'many', 'struct', 'value', 'list', 'any', 'empty', 'nested.s', 'nested.i64']) assert.equal(query.has(absent), false, absent);
  for (const present of ['i64', 'otherName', 'colors', 'text', 'at', 'wI64', 'httpBody.contentType', 'httpBody.data']) assert.equal(query.has(present), true, present);
  assert.deepEqual(query.get('wI64')?.schema, { type: 'string', format: 'int64', pattern: '^-?[0-9]+$' });
  assert.equal(query.get('i64')?.description, 'Written as a string.');
});
