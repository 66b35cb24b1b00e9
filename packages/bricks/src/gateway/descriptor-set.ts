// Services from a FileDescriptorSet (`buf build -o set.binpb`, or protoc's
// --descriptor_set_out with --include_imports): how the gateway program serves protos it was
// not compiled with. Rules are read from these descriptors as from generated ones; the
// google.api.http option travels as an unknown field of MethodOptions, which getOption reads.
import { createFileRegistry, fromBinary } from '@bufbuild/protobuf';
import type { DescService } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';
import { GatewayError } from './errors.ts';
import { ruleFromOptions } from './rules.ts';

/**
 * The services named in `only` (fully qualified), or, without it, every service of the set
 * with at least one method that has an HTTP rule.
 */
export function servicesFromDescriptorSet(bytes: Uint8Array, what: string, only?: readonly string[]): DescService[] {
  let services: DescService[];
  try {
    const registry = createFileRegistry(fromBinary(FileDescriptorSetSchema, bytes));
    services = [...registry].filter((t): t is DescService => t.kind === 'service');
  } catch (err) {
    throw new GatewayError('descriptors-invalid', `${what} is not a FileDescriptorSet with all its imports (${err instanceof Error ? err.message : String(err)}); make it with buf build -o, or protoc --include_imports --descriptor_set_out`, { cause: err });
  }
  if (only === undefined) return services.filter((s) => s.methods.some((m) => ruleFromOptions(m) !== undefined));
  return only.map((name) => {
    const found = services.find((s) => s.typeName === name);
    if (found === undefined) {
      const known = services.map((s) => s.typeName).join(', ') || 'none';
      throw new GatewayError('descriptors-invalid', `${what} has no service ${name} (it has: ${known})`);
    }
    return found;
  });
}
