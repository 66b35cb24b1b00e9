// Text into field values: the edges of each scalar's range and form, enums, and the
// well-known types whose JSON is one string, number or bool.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ScalarType, toJson, type DescMessage, type JsonValue } from '@bufbuild/protobuf';
import { BoolValueSchema, DurationSchema, FieldMaskSchema, Int64ValueSchema, StructSchema, TimestampSchema } from '@bufbuild/protobuf/wkt';
import { GatewayError } from './errors.ts';
import { enumFromText, messageFromText, scalarFromText, takesText } from './field-value.ts';
import { GenreSchema } from './gen/bricks/gateway/test/v1/library_pb.ts';

/** A well-known type from text, as its JSON again. */
const jsonOf = (desc: DescMessage, text: string): JsonValue => {
  const r = messageFromText(desc, text, 'p');
  return toJson(r.desc, r.message);
};
const bad = (fn: () => unknown, why: RegExp): void => assert.throws(fn, (e: unknown) => e instanceof GatewayError && e.code === 'bad-request' && why.test(e.message));

test('integers: ranges, signs, no fractions or spaces', () => {
  assert.equal(scalarFromText(ScalarType.INT32, '-2147483648', 'p'), -2147483648);
  bad(() => scalarFromText(ScalarType.INT32, '2147483648', 'p'), /^p: "2147483648" is not a 32-bit integer$/);
  bad(() => scalarFromText(ScalarType.UINT32, '-1', 'p'), /unsigned 32-bit/);
  bad(() => scalarFromText(ScalarType.INT32, '1.5', 'p'), /32-bit/);
  bad(() => scalarFromText(ScalarType.INT32, ' 1', 'p'), /32-bit/);
  assert.equal(scalarFromText(ScalarType.INT64, '-9223372036854775808', 'p'), -9223372036854775808n);
  bad(() => scalarFromText(ScalarType.INT64, '9223372036854775808', 'p'), /64-bit/);
  assert.equal(scalarFromText(ScalarType.FIXED64, '18446744073709551615', 'p'), 18446744073709551615n);
  bad(() => scalarFromText(ScalarType.UINT64, '18446744073709551616', 'p'), /unsigned 64-bit/);
});

test('floats, bools, strings and bytes', () => {
  assert.equal(scalarFromText(ScalarType.DOUBLE, '1e3', 'p'), 1000);
  assert.ok(Number.isNaN(scalarFromText(ScalarType.DOUBLE, 'NaN', 'p')));
  assert.equal(scalarFromText(ScalarType.FLOAT, '-Infinity', 'p'), -Infinity);
  bad(() => scalarFromText(ScalarType.DOUBLE, '', 'p'), /a number/);
  bad(() => scalarFromText(ScalarType.DOUBLE, 'one', 'p'), /a number/);
  bad(() => scalarFromText(ScalarType.FLOAT, '1e39', 'p'), /float in range/);
  assert.equal(scalarFromText(ScalarType.BOOL, 'false', 'p'), false);
  bad(() => scalarFromText(ScalarType.BOOL, '1', 'p'), /true or false/);
  assert.equal(scalarFromText(ScalarType.STRING, '', 'p'), '');
  // Standard and URL-safe base64 both, as the proto3 JSON mapping accepts.
  assert.deepEqual(scalarFromText(ScalarType.BYTES, '-_8=', 'p'), new Uint8Array([0xfb, 0xff]));
  assert.deepEqual(scalarFromText(ScalarType.BYTES, '+/8=', 'p'), new Uint8Array([0xfb, 0xff]));
  bad(() => scalarFromText(ScalarType.BYTES, 'a b', 'p'), /base64/);
});

test('enums by name or number (open), else the names there are', () => {
  assert.equal(enumFromText(GenreSchema, 'GENRE_POETRY', 'p'), 2);
  assert.equal(enumFromText(GenreSchema, '7', 'p'), 7);
  bad(() => enumFromText(GenreSchema, 'genre_poetry', 'p'), /GENRE_UNSPECIFIED, GENRE_FICTION, GENRE_POETRY/);
});

test('well-known types by their JSON text; others are not one value', () => {
  for (const d of [TimestampSchema, DurationSchema, FieldMaskSchema, BoolValueSchema, Int64ValueSchema]) assert.ok(takesText(d), d.typeName);
  assert.equal(takesText(StructSchema), false);
  assert.equal(jsonOf(DurationSchema, '-1.5s'), '-1.500s');
  assert.deepEqual(jsonOf(FieldMaskSchema, 'a.bC,d'), 'a.bC,d');
  assert.equal(jsonOf(BoolValueSchema, 'true'), true);
  assert.equal(jsonOf(Int64ValueSchema, '-5'), '-5');
  bad(() => messageFromText(TimestampSchema, '2024-13-01T00:00:00Z', 'p'), /^p: "2024-13-01T00:00:00Z" is not a google\.protobuf\.Timestamp/);
  bad(() => messageFromText(BoolValueSchema, 'yes', 'p'), /true or false/);
});
