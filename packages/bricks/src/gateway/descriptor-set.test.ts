// A descriptor set built from the test contract gives the same bindings as the generated code,
// and requests transcode the same through its services.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { create, toBinary, toJsonString, type DescFile, type DescService } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { servicesFromDescriptorSet } from './descriptor-set.ts';
import { GatewayError } from './errors.ts';
import { LibraryService } from './gen/bricks/gateway/test/v1/library_pb.ts';
import { transcodeRequest } from './request.ts';
import { bindingsOf, routerOf } from './rules.ts';

/** The file and its imports, imports first, as buf build writes them. */
function setOf(file: DescFile): Uint8Array {
  const files: DescFile[] = [];
  const visit = (f: DescFile): void => {
    if (files.includes(f)) return;
    f.dependencies.forEach(visit);
    files.push(f);
  };
  visit(file);
  return toBinary(FileDescriptorSetSchema, create(FileDescriptorSetSchema, { file: files.map((f) => f.proto) }));
}

const label = (s: DescService): string[] => bindingsOf(s).map((b) => `${b.method.name} ${b.label} ${b.body.kind} ${b.responseBody?.name ?? ''}`);

test('services from a descriptor set have the rules of the generated ones', () => {
  const bytes = setOf(LibraryService.file);
  const [dynamic] = servicesFromDescriptorSet(bytes, 'library.binpb');
  assert.ok(dynamic !== undefined);
  assert.equal(dynamic.typeName, LibraryService.typeName);
  assert.notEqual(dynamic, LibraryService);
  assert.deepEqual(label(dynamic), label(LibraryService));
  const hit = routerOf([dynamic]).match('GET', '/v1/shelves/3/books');
  assert.equal(hit.kind, 'matched');
  if (hit.kind !== 'matched') return;
  const req = transcodeRequest(hit.value, hit.variables, { query: new URLSearchParams('filter.genre=GENRE_POETRY&order=asc'), contentType: null, body: new Uint8Array() });
  assert.equal(toJsonString(hit.value.method.input, req), '{"shelf":"3","filter":{"genre":"GENRE_POETRY"},"order":"asc"}');
});

test('a named service must be in the set; a broken set says how to make one', () => {
  const bytes = setOf(LibraryService.file);
  assert.equal(servicesFromDescriptorSet(bytes, 'x', ['bricks.gateway.test.v1.LibraryService']).length, 1);
  assert.throws(() => servicesFromDescriptorSet(bytes, 'x', ['shop.v1.Cart']), (e: unknown) => e instanceof GatewayError && e.code === 'descriptors-invalid' && /x has no service shop\.v1\.Cart \(it has: bricks\.gateway\.test\.v1\.LibraryService\)/.test(e.message));
  const withoutImports = toBinary(FileDescriptorSetSchema, create(FileDescriptorSetSchema, { file: [LibraryService.file.proto] }));
  assert.throws(() => servicesFromDescriptorSet(withoutImports, 'y.binpb'), (e: unknown) => e instanceof GatewayError && e.code === 'descriptors-invalid' && /y\.binpb is not a FileDescriptorSet with all its imports/.test(e.message));
});
