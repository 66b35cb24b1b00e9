// components/schemas from protobuf messages and enums by the proto3 JSON mapping: properties
// by JSON name, enums by value name, maps as objects of their values, repeated fields as
// arrays, a oneof as "at most one of these properties", well-known types inline as their
// JSON form. Each message and enum is one component named by its full name, made once.
import type { DescEnum, DescField, DescMessage } from '@bufbuild/protobuf';
import { commentOf } from './comments.ts';
import { scalarSchema } from './scalars.ts';
import type { Schema } from './types.ts';
import { NULL_VALUE_ENUM, wellKnownSchema } from './well-known.ts';

export const SCHEMA_REF_PREFIX = '#/components/schemas/';

export class Schemas {
  private readonly components = new Map<string, Schema>();

  /** The schemas made so far, by name, sorted so that the document is stable. */
  all(): Record<string, Schema> {
    return Object.fromEntries([...this.components.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }

  /** A message's JSON: a well-known type inline, anything else a $ref to its component. */
  message(desc: DescMessage): Schema {
    const wkt = wellKnownSchema(desc);
    if (wkt !== undefined) return wkt;
    if (!this.components.has(desc.typeName)) {
      // Set before the fields are walked, so that a recursive message refers to itself.
      this.components.set(desc.typeName, {});
      this.components.set(desc.typeName, this.objectOf(desc, new Set()));
    }
    return ref(desc.typeName);
  }

  /** The object schema of `desc` without the top-level fields in `without` (the path binds them). */
  objectOf(desc: DescMessage, without: ReadonlySet<DescField>): Schema {
    const properties: Record<string, Schema> = {};
    for (const field of desc.fields) {
      if (without.has(field)) continue;
      properties[field.jsonName] = this.field(field);
    }
    const schema: Record<string, unknown> = { type: 'object', properties };
    const description = commentOf(desc);
    if (description !== undefined) schema.description = description;
    // A oneof's members are plain properties in JSON, and at most one of them may be set.
    const exclusive: Schema[] = [];
    for (const oneof of desc.oneofs) {
      const names = oneof.fields.filter((f) => !without.has(f)).map((f) => f.jsonName);
      for (let i = 0; i < names.length; i++) for (let j = i + 1; j < names.length; j++) exclusive.push({ required: [names[i], names[j]] });
    }
    if (exclusive.length > 0) schema.not = { anyOf: exclusive };
    return schema;
  }

  /** A field's value, with its comment as the description. */
  field(field: DescField): Schema {
    const value = this.valueOf(field);
    const description = [commentOf(field), oneofNote(field)].filter((d) => d !== undefined).join('\n\n');
    return description === '' ? value : withDescription(value, description);
  }

  private valueOf(field: DescField): Schema {
    switch (field.fieldKind) {
      case 'scalar':
        return scalarSchema(field.scalar);
      case 'enum':
        return this.enum(field.enum);
      case 'message':
        return this.message(field.message);
      case 'list':
        switch (field.listKind) {
          case 'scalar':
            return { type: 'array', items: scalarSchema(field.scalar) };
          case 'enum':
            return { type: 'array', items: this.enum(field.enum) };
          case 'message':
            return { type: 'array', items: this.message(field.message) };
          default: {
            const never: never = field;
            return never;
          }
        }
      case 'map': {
        // JSON object keys are strings; an integer or bool key is written as its text.
        const keys = scalarSchema(field.mapKey);
        const propertyNames = keys.type === 'string' && keys.pattern === undefined ? undefined : { pattern: keys.type === 'boolean' ? '^(true|false)$' : '^-?[0-9]+$' };
        let values: Schema;
        switch (field.mapKind) {
          case 'scalar':
            values = scalarSchema(field.scalar);
            break;
          case 'enum':
            values = this.enum(field.enum);
            break;
          case 'message':
            values = this.message(field.message);
            break;
          default: {
            const never: never = field;
            return never;
          }
        }
        return { type: 'object', additionalProperties: values, ...(propertyNames === undefined ? {} : { propertyNames }) };
      }
      default: {
        const never: never = field;
        return never;
      }
    }
  }

  /** An enum by its value names; NullValue is JSON null. */
  enum(desc: DescEnum): Schema {
    if (desc.typeName === NULL_VALUE_ENUM) return { type: 'null' };
    if (!this.components.has(desc.typeName)) {
      const described = desc.values.map((v) => [v.name, commentOf(v)] as const).filter(([, c]) => c !== undefined);
      const text = [commentOf(desc), ...described.map(([n, c]) => `- ${n}: ${c}`)].filter((t) => t !== undefined).join('\n');
      this.components.set(desc.typeName, { type: 'string', enum: desc.values.map((v) => v.name), ...(text === '' ? {} : { description: text }) });
    }
    return ref(desc.typeName);
  }
}

function ref(name: string): Schema {
  return { $ref: `${SCHEMA_REF_PREFIX}${name}` };
}

/** A description beside a $ref: 3.1 allows siblings of $ref, and tools show them. */
function withDescription(schema: Schema, description: string): Schema {
  const own = schema.description;
  return { ...schema, description: typeof own === 'string' && own !== '' && schema.$ref === undefined ? `${description}\n\n${own}` : description };
}

function oneofNote(field: DescField): string | undefined {
  const oneof = field.oneof;
  if (oneof === undefined || oneof.fields.length < 2) return undefined;
  return `One of ${oneof.name}: at most one of ${oneof.fields.map((f) => f.jsonName).join(', ')} is set.`;
}
