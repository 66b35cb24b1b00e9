// The in-process copy must equal what a binary round trip delivers and share nothing mutable.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { create, fromBinary, toBinary, type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import { FileDescriptorProtoSchema, FloatValueSchema, StructSchema, ValueSchema } from '@bufbuild/protobuf/wkt';
import { BricksError } from '../errors/index.ts';
import { CountRequestSchema, EchoRequestSchema, file_bricks_test_v1_test } from '../testing/gen/bricks/test/v1/test_pb.ts';
import { isFlat, messageCopier } from './message-copy.ts';

function roundTrip<D extends DescMessage>(desc: D, m: MessageShape<D>): MessageShape<D> {
  return fromBinary(desc, toBinary(desc, m));
}

test('a copy equals the binary round trip: proto3 scalars, bytes, maps, lists', () => {
  const m = create(EchoRequestSchema, { text: 'héllo ✓', number: -(2n ** 62n), data: new Uint8Array([0, 1, 255]), labels: { a: '1', b: '' }, tags: ['x', 'y'] });
  const c = messageCopier(EchoRequestSchema)(m);
  assert.deepEqual(c, roundTrip(EchoRequestSchema, m));
  assert.notEqual(c, m);
  assert.notEqual(c.data, m.data);
  assert.notEqual(c.labels, m.labels);
  assert.notEqual(c.tags, m.tags);
  c.data[0] = 9;
  c.labels.a = 'changed';
  c.tags.push('z');
  assert.deepEqual([...m.data], [0, 1, 255]);
  assert.deepEqual(m.labels, { a: '1', b: '' });
  assert.deepEqual(m.tags, ['x', 'y']);
});

test('a copy equals the binary round trip: proto2 nested messages, enums, unset optional fields', () => {
  // The test contract's own file descriptor: a deep proto2 message.
  const m = roundTrip(FileDescriptorProtoSchema, file_bricks_test_v1_test.proto);
  const c = messageCopier(FileDescriptorProtoSchema)(m);
  assert.deepEqual(c, roundTrip(FileDescriptorProtoSchema, m));
  assert.notEqual(c.messageType[0], m.messageType[0]);
  c.messageType[0]!.name = 'Changed';
  assert.equal(m.messageType[0]!.name, 'EchoRequest');
});

test('a copy equals the binary round trip: oneofs and recursive types', () => {
  const s = create(StructSchema, {
    fields: {
      n: create(ValueSchema, { kind: { case: 'numberValue', value: 1.5 } }),
      list: create(ValueSchema, { kind: { case: 'listValue', value: { values: [create(ValueSchema, { kind: { case: 'stringValue', value: 'x' } })] } } }),
      none: create(ValueSchema),
    },
  });
  const c = messageCopier(StructSchema)(s);
  assert.deepEqual(c, roundTrip(StructSchema, s));
  assert.notEqual(c.fields.none!.kind, s.fields.none!.kind, 'even an empty oneof is a fresh object');
});

test('floats arrive rounded to 32 bits and invalid 32-bit integers are refused, as on the wire', () => {
  const f = messageCopier(FloatValueSchema)(create(FloatValueSchema, { value: 0.1 }));
  assert.equal(f.value, Math.fround(0.1));
  const bad = create(CountRequestSchema, { key: 'k' });
  const copyEcho = messageCopier(EchoRequestSchema);
  assert.doesNotThrow(() => copyEcho(create(EchoRequestSchema)));
  // SleepRequest.ms is an int32.
  const sleep = file_bricks_test_v1_test.messages.find((d) => d.name === 'SleepRequest')!;
  assert.throws(
    () => messageCopier(sleep)({ ...create(sleep), ms: 1.5 } as never),
    (e: unknown) => e instanceof BricksError && e.code === 'invalid_argument' && e.unsent,
  );
  assert.equal(messageCopier(CountRequestSchema)(bad).key, 'k');
});

test('flat messages are the ones with only scalar (not bytes) and enum fields', () => {
  assert.equal(isFlat(CountRequestSchema), true);
  assert.equal(isFlat(EchoRequestSchema), false);
  assert.equal(isFlat(StructSchema), false);
});

test('a flat message copied from a plain object equals create(): missing and null fields are zero, unknown fields are copied', () => {
  const copy = messageCopier(CountRequestSchema);
  const fromPlain = copy({ key: 'k', failWith: null } as never);
  assert.deepEqual(fromPlain, create(CountRequestSchema, { key: 'k' }));
  assert.deepEqual(copy({} as never), create(CountRequestSchema));
  const withUnknown = create(CountRequestSchema, { key: 'u' });
  withUnknown.$unknown = [{ no: 99, wireType: 2, data: new Uint8Array([1, 2]) }];
  const c = copy(withUnknown);
  assert.deepEqual(c, roundTrip(CountRequestSchema, withUnknown));
  assert.notEqual(c.$unknown?.[0]?.data, withUnknown.$unknown[0]?.data, 'unknown bytes are copied, not shared');
});
