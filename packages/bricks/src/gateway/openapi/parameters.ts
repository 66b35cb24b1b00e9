// A binding's path and parameters in OpenAPI's terms. The path: each variable becomes one
// path parameter named by its field path (`/v1/{name=shelves/*}` → `/v1/{name}`); a variable
// over more than one segment or a `**` takes its value with "/" in it, unencoded, and says so
// by a pattern; a `*` or `**` outside any variable (bound to no field) becomes a parameter
// `_segmentN`; the verb suffix stays in the path (`/v1/{name}:archive`). The query: every field
// the path and the body leave, nested ones as `a.b`, by JSON name.
import type { DescField, DescMessage } from '@bufbuild/protobuf';
import { takesText } from '../field-value.ts';
import { notFromQuery } from '../request.ts';
import type { Binding } from '../rules.ts';
import type { Segment } from '../template.ts';
import { commentOf } from './comments.ts';
import { scalarSchema } from './scalars.ts';
import type { Schemas } from './schemas.ts';
import type { Parameter, Schema } from './types.ts';
import { wellKnownSchema } from './well-known.ts';

export interface PathAndParameters {
  readonly path: string;
  readonly pathParameters: readonly Parameter[];
}

export function openApiPath(binding: Binding, schemas: Schemas): PathAndParameters {
  const t = binding.template;
  const parts: string[] = [];
  const parameters: Parameter[] = [];
  let unnamed = 0;
  for (let i = 0; i < t.segments.length; ) {
    const variable = t.variables.find((v) => v.start === i);
    if (variable !== undefined) {
      const name = variable.fieldPath.join('.');
      parts.push(`{${name}}`);
      const pf = binding.pathFields.find((p) => p.variable === variable);
      const leaf = pf?.fields[pf.fields.length - 1];
      const covered = t.segments.slice(variable.start, variable.end);
      const description = leaf === undefined ? undefined : commentOf(leaf);
      if (variable.multiSegment) {
        const shape = covered.map(segmentText).join('/');
        parameters.push({
          name,
          in: 'path',
          required: true,
          schema: { type: 'string', pattern: `^${covered.map(segmentPattern).join('/')}$` },
          description: [description, `Matches ${shape}; the value keeps its "/" unencoded.`].filter((d) => d !== undefined).join('\n\n'),
        });
      } else {
        parameters.push({ name, in: 'path', required: true, schema: leaf === undefined ? { type: 'string' } : leafSchema(leaf, schemas), ...(description === undefined ? {} : { description }) });
      }
      i = variable.end;
      continue;
    }
    const s = t.segments[i]!;
    if (s.kind === 'literal') {
      parts.push(s.text);
    } else {
      const name = `_segment${++unnamed}`;
      parts.push(`{${name}}`);
      parameters.push({
        name,
        in: 'path',
        required: true,
        schema: s.kind === 'wildcard' ? { type: 'string', pattern: '^[^/]+$' } : { type: 'string' },
        description: s.kind === 'wildcard' ? 'Any one segment; bound to no field.' : 'Any rest of the path, "/" unencoded; bound to no field.',
      });
    }
    i++;
  }
  return { path: `/${parts.join('/')}${t.verb === null ? '' : `:${t.verb}`}`, pathParameters: parameters };
}

function segmentText(s: Segment): string {
  return s.kind === 'literal' ? s.text : s.kind === 'wildcard' ? '*' : '**';
}

function segmentPattern(s: Segment): string {
  switch (s.kind) {
    case 'literal':
      return s.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    case 'wildcard':
      return '[^/]+';
    case 'deep':
      return '.*';
    default: {
      const never: never = s;
      return never;
    }
  }
}

/** A path variable's field: a singular scalar or enum (rules.ts checks that). */
function leafSchema(field: DescField, schemas: Schemas): Schema {
  if (field.fieldKind === 'scalar') return scalarSchema(field.scalar);
  if (field.fieldKind === 'enum') return schemas.enum(field.enum);
  return { type: 'string' };
}

/** The query parameters of `binding`, in field order, nested messages depth first. */
export function queryParameters(binding: Binding, schemas: Schemas): Parameter[] {
  if (binding.body.kind === 'whole') return [];
  const out: Parameter[] = [];
  walk(binding, binding.method.input, [], [], schemas, out);
  return out;
}

function walk(binding: Binding, message: DescMessage, chain: readonly DescField[], names: readonly string[], schemas: Schemas, out: Parameter[]): void {
  for (const field of message.fields) {
    const fields = [...chain, field];
    if (notFromQuery(binding, fields) !== undefined) {
      // A path variable inside this message field (book.name) leaves its other fields to the query.
      const bindsInside = binding.pathFields.some((p) => p.fields.length > fields.length && fields.every((f, i) => p.fields[i] === f));
      const inBody = binding.body.kind === 'field' && fields[0] === binding.body.field;
      if (!bindsInside || inBody) continue;
    }
    const name = [...names, field.jsonName].join('.');
    const description = commentOf(field);
    const param = (schema: Schema, repeated: boolean): void => {
      out.push({ name, in: 'query', schema, ...(repeated ? { style: 'form', explode: true } : {}), ...(description === undefined ? {} : { description }) });
    };
    // The kinds request.ts's setField takes from text; maps and lists of messages it refuses.
    switch (field.fieldKind) {
      case 'scalar':
        param(scalarSchema(field.scalar), false);
        break;
      case 'enum':
        param(schemas.enum(field.enum), false);
        break;
      case 'message':
        if (takesText(field.message)) param(textSchema(field.message), false);
        // A message met again on the way down (a tree of itself) would list without end: its fields are left out.
        else if (binding.method.input !== field.message && !chain.some((f) => f.fieldKind === 'message' && f.message === field.message)) walk(binding, field.message, fields, [...names, field.jsonName], schemas, out);
        break;
      case 'list':
        if (field.listKind === 'scalar') param({ type: 'array', items: scalarSchema(field.scalar) }, true);
        else if (field.listKind === 'enum') param({ type: 'array', items: schemas.enum(field.enum) }, true);
        else if (takesText(field.message)) param({ type: 'array', items: textSchema(field.message) }, true);
        break;
      case 'map':
        break;
      default: {
        const never: never = field;
        return never;
      }
    }
  }
}

/** A Timestamp, Duration, FieldMask or wrapper as query text: a wrapper's null has no text form. */
function textSchema(desc: DescMessage): Schema {
  const s = wellKnownSchema(desc) ?? { type: 'string' };
  return Array.isArray(s.type) ? { ...s, type: s.type[0] as unknown } : s;
}
