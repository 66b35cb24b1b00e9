// The well-known types whose proto3 JSON form is not an object of their fields: each is
// written inline where it is used, as the mapping writes it. Wrappers are their scalar or
// null; Struct, Value and ListValue are free JSON; Any is an object with its "@type".
import type { DescMessage } from '@bufbuild/protobuf';
import { isWrapperDesc } from '@bufbuild/protobuf/wkt';
import { scalarSchema } from './scalars.ts';
import type { Schema } from './types.ts';

const FIXED: Readonly<Record<string, Schema>> = {
  'google.protobuf.Timestamp': { type: 'string', format: 'date-time', description: 'RFC 3339 in UTC, for example 2024-01-02T03:04:05Z (up to 9 fractional digits).' },
  'google.protobuf.Duration': { type: 'string', pattern: '^-?[0-9]+(\\.[0-9]{1,9})?s$', description: 'Seconds with an "s" suffix, for example 1.5s.' },
  'google.protobuf.FieldMask': { type: 'string', description: 'Field paths in lowerCamelCase, joined by ",", for example title,author.name.' },
  'google.protobuf.Struct': { type: 'object', additionalProperties: true },
  'google.protobuf.Value': { description: 'Any JSON value.' },
  'google.protobuf.ListValue': { type: 'array', items: {} },
  'google.protobuf.Empty': { type: 'object', properties: {}, additionalProperties: false },
  'google.protobuf.Any': {
    type: 'object',
    properties: { '@type': { type: 'string', description: 'The type URL of the packed message, for example type.googleapis.com/pkg.Msg.' } },
    required: ['@type'],
    additionalProperties: true,
  },
};

/** The inline schema of a well-known type, or undefined for any other message. */
export function wellKnownSchema(desc: DescMessage): Schema | undefined {
  const fixed = FIXED[desc.typeName];
  if (fixed !== undefined) return fixed;
  if (isWrapperDesc(desc)) {
    // The wrappers exist to tell unset (null) from the default, so null is part of the type.
    const s = scalarSchema(desc.fields[0].scalar);
    return { ...s, type: [s.type, 'null'] };
  }
  return undefined;
}

/** google.protobuf.NullValue: its only value is written as JSON null. */
export const NULL_VALUE_ENUM = 'google.protobuf.NullValue';
