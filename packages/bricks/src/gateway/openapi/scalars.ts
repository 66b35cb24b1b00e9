// JSON Schemas of protobuf scalars by the proto3 JSON mapping: 64-bit integers are strings
// (JSON numbers lose precision past 2^53), bytes are base64 strings; floats are numbers, and
// the mapping's "NaN"/"Infinity" strings are left out, as most APIs never send them.
import { ScalarType } from '@bufbuild/protobuf';
import type { Schema } from './types.ts';

export function scalarSchema(type: ScalarType): Schema {
  switch (type) {
    case ScalarType.STRING:
      return { type: 'string' };
    case ScalarType.BOOL:
      return { type: 'boolean' };
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
      return { type: 'integer', format: 'int32' };
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return { type: 'integer', format: 'uint32', minimum: 0 };
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      return { type: 'string', format: 'int64', pattern: '^-?[0-9]+$' };
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return { type: 'string', format: 'uint64', pattern: '^[0-9]+$' };
    case ScalarType.FLOAT:
      return { type: 'number', format: 'float' };
    case ScalarType.DOUBLE:
      return { type: 'number', format: 'double' };
    case ScalarType.BYTES:
      return { type: 'string', format: 'byte', contentEncoding: 'base64' };
    default: {
      const never: never = type;
      return never;
    }
  }
}
