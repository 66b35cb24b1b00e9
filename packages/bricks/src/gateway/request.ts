// An HTTP request into the request message of its binding: the body first (all of it, one
// field, or none; JSON by the proto3 mapping, or raw bytes into a google.api.HttpBody), then
// the path variables over it, then the query parameters for the fields neither of them binds.
import { create, fromJson } from '@bufbuild/protobuf';
import type { DescField, DescMessage, JsonValue, Message } from '@bufbuild/protobuf';
import { reflect, type ReflectMessage } from '@bufbuild/protobuf/reflect';
import { GatewayError } from './errors.ts';
import { enumFromText, messageFromText, scalarFromText, takesText } from './field-value.ts';
import { HttpBodySchema } from './gen/google/api/httpbody_pb.ts';
import type { BoundVariable } from './router.ts';
import type { Binding } from './rules.ts';

export interface HttpRequestParts {
  readonly query: URLSearchParams;
  /** The Content-Type header, or null. */
  readonly contentType: string | null;
  readonly body: Uint8Array;
}

/** The request message; a GatewayError('bad-request') names the field or parameter that is wrong. */
export function transcodeRequest(binding: Binding, variables: readonly BoundVariable[], req: HttpRequestParts): Message {
  const input = binding.method.input;
  const message = bodyMessage(binding, req);
  const root = reflect(input, message);
  for (const { variable, value } of variables) {
    const pf = binding.pathFields.find((p) => p.variable === variable);
    if (pf === undefined) throw new GatewayError('failed', `${binding.where}: no field for the variable ${variable.fieldPath.join('.')}`);
    setField(root, pf.fields, [value], `path variable ${variable.fieldPath.join('.')}`);
  }
  const seen = new Set<string>();
  for (const key of req.query.keys()) {
    if (seen.has(key)) continue;
    seen.add(key);
    const what = `query parameter ${key}`;
    if (binding.body.kind === 'whole') throw new GatewayError('bad-request', `${what}: ${notFromQuery(binding, [])}`);
    const fields = queryFields(input, key, what);
    const why = notFromQuery(binding, fields);
    if (why !== undefined) throw new GatewayError('bad-request', `${what}: ${why}`);
    setField(root, fields, req.query.getAll(key), what);
  }
  return message;
}

function bodyMessage(binding: Binding, req: HttpRequestParts): Message {
  const input = binding.method.input;
  const body = binding.body;
  switch (body.kind) {
    case 'none':
      return create(input);
    case 'whole':
      if (input.typeName === HttpBodySchema.typeName) return create(HttpBodySchema, rawBody(req));
      return fromBodyJson(input, parseJson(req), 'body');
    case 'field': {
      const f = body.field;
      if (f.fieldKind === 'message' && f.message.typeName === HttpBodySchema.typeName) {
        const message = create(input);
        reflect(input, message).set(f, reflect(HttpBodySchema, create(HttpBodySchema, rawBody(req))));
        return message;
      }
      // Decoded as the field's value inside the message, so every kind of field (a message,
      // a list, a scalar) reads by the same proto3 JSON rules.
      return fromBodyJson(input, { [f.jsonName]: parseJson(req) }, `body (${f.name})`);
    }
    default: {
      const never: never = body;
      return never;
    }
  }
}

function rawBody(req: HttpRequestParts): { contentType: string; data: Uint8Array } {
  return { contentType: req.contentType ?? '', data: req.body };
}

function parseJson(req: HttpRequestParts): JsonValue {
  // No body at all reads as an empty message: curl -X POST without -d is a common way to call.
  if (req.body.length === 0) return {};
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(req.body)) as JsonValue;
  } catch (err) {
    throw new GatewayError('bad-request', `body: not JSON (${err instanceof Error ? err.message : String(err)})`, { cause: err });
  }
}

function fromBodyJson(desc: DescMessage, json: JsonValue, what: string): Message {
  try {
    return fromJson(desc, json);
  } catch (err) {
    throw new GatewayError('bad-request', `${what}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/** The fields a query key names, each level by its proto name or its JSON name. */
function queryFields(input: DescMessage, key: string, what: string): DescField[] {
  const out: DescField[] = [];
  let message: DescMessage | undefined = input;
  for (const name of key.split('.')) {
    if (message === undefined) throw new GatewayError('bad-request', `${what}: ${out.map((f) => f.name).join('.')} has no fields`);
    const field: DescField | undefined = message.fields.find((f) => f.name === name || f.jsonName === name);
    if (field === undefined) throw new GatewayError('bad-request', `${what}: ${message.typeName} has no field ${name}`);
    out.push(field);
    message = field.fieldKind === 'message' && !takesText(field.message) ? field.message : undefined;
  }
  return out;
}

/**
 * Why the field at the end of `fields` (a chain from the request message down) cannot come
 * from the query string of `binding`, or undefined when it can. The OpenAPI document lists as
 * query parameters exactly the fields this lets through.
 */
export function notFromQuery(binding: Binding, fields: readonly DescField[]): string | undefined {
  if (binding.body.kind === 'whole') return 'this method takes every field in the body (body: "*"), none from the query';
  const pathBound = binding.pathFields.find((p) => samePrefix(p.fields, fields));
  if (pathBound !== undefined) return `${pathBound.variable.fieldPath.join('.')} is bound by the path`;
  if (binding.body.kind === 'field' && fields[0] === binding.body.field) return `${binding.body.field.name} is carried by the body`;
  return undefined;
}

/** Whether one chain of fields starts with the other (a query parameter inside or around a path-bound field). */
function samePrefix(a: readonly DescField[], b: readonly DescField[]): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Sets the last of `fields`, creating the messages on the way; a list takes every value, anything else one. */
function setField(root: ReflectMessage, fields: readonly DescField[], values: readonly string[], what: string): void {
  let r = root;
  for (const f of fields.slice(0, -1)) {
    if (f.fieldKind !== 'message') throw new GatewayError('bad-request', `${what}: ${f.name} is not a message`);
    const child = r.get(f);
    if (!r.isSet(f)) r.set(f, child);
    r = child;
  }
  const leaf = fields[fields.length - 1]!;
  if (leaf.fieldKind !== 'list' && values.length > 1) throw new GatewayError('bad-request', `${what}: given ${values.length} times, but ${leaf.name} is not repeated`);
  const one = values[0] ?? '';
  switch (leaf.fieldKind) {
    case 'scalar':
      r.set(leaf, scalarFromText(leaf.scalar, one, what));
      return;
    case 'enum':
      r.set(leaf, enumFromText(leaf.enum, one, what));
      return;
    case 'message':
      if (!takesText(leaf.message)) throw new GatewayError('bad-request', `${what}: ${leaf.name} is a message; give its fields (${leaf.name}.x=…)`);
      r.set(leaf, messageFromText(leaf.message, one, what));
      return;
    case 'list': {
      const list = r.get(leaf);
      for (const v of values) {
        switch (leaf.listKind) {
          case 'scalar':
            list.add(scalarFromText(leaf.scalar, v, what));
            break;
          case 'enum':
            list.add(enumFromText(leaf.enum, v, what));
            break;
          case 'message':
            if (!takesText(leaf.message)) throw new GatewayError('bad-request', `${what}: ${leaf.name} is a list of messages, which a query cannot carry; send them in a body`);
            list.add(messageFromText(leaf.message, v, what));
            break;
          default: {
            const never: never = leaf;
            return never;
          }
        }
      }
      return;
    }
    case 'map':
      throw new GatewayError('bad-request', `${what}: ${leaf.name} is a map, which a query cannot carry; send it in a body`);
    default: {
      const never: never = leaf;
      return never;
    }
  }
}
