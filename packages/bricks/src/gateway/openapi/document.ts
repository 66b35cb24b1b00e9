// An OpenAPI 3.1 document from the services' google.api.http rules: the same bindings the
// gateway routes by (rules.ts), one operation per binding (additional bindings too), schemas
// by the proto3 JSON mapping, comments as descriptions where the descriptors keep them.
import type { DescMessage, DescService } from '@bufbuild/protobuf';
import { HttpBodySchema } from '../gen/google/api/httpbody_pb.ts';
import { bindingsOf, ruleFromOptions, type Binding, type RuleSource } from '../rules.ts';
import { commentOf } from './comments.ts';
import { openApiPath, queryParameters, type PathAndParameters } from './parameters.ts';
import { errorResponses, RESPONSE, STATUS_SCHEMA, statusSchema } from './responses.ts';
import { Schemas } from './schemas.ts';
import { PATH_ITEM_METHODS, type MediaType, type Omitted, type OpenApiDocument, type Operation, type PathItem, type PathItemMethod, type RequestBody, type Response } from './types.ts';
import { wellKnownSchema } from './well-known.ts';

export interface OpenApiOptions {
  /** info.title. Default: the services' names. */
  readonly title?: string;
  /** info.version (of the API, not of OpenAPI). Default: "0.0.0". */
  readonly version?: string;
  readonly description?: string;
  readonly servers?: readonly { readonly url: string; readonly description?: string }[];
  /** Default: each method's google.api.http option, as the gateway reads them. */
  readonly ruleOf?: RuleSource;
}

/** A raw body (google.api.HttpBody): any content type, the bytes as they are. */
const RAW: Readonly<Record<string, MediaType>> = { '*/*': { schema: { type: 'string', format: 'binary' } } };

/** Throws the gateway's GatewayError for a rule it could not serve either. */
export function openApiDocument(services: readonly DescService[], options: OpenApiOptions = {}): OpenApiDocument {
  const schemas = new Schemas();
  const paths: Record<string, PathItem> = {};
  const omitted: Omitted[] = [];
  const operationIds = new Set<string>();
  const shapes = new Map<string, string>();
  for (const service of services) {
    const perMethod = new Map<string, number>();
    for (const binding of bindingsOf(service, options.ruleOf ?? ruleFromOptions)) {
      const n = perMethod.get(binding.method.name) ?? 0;
      perMethod.set(binding.method.name, n + 1);
      const verb = binding.verb.toLowerCase();
      if (!isPathItemMethod(verb)) {
        omitted.push({ binding: binding.label, where: binding.where, reason: `OpenAPI 3.1 has no field for the method ${binding.verb} in a Path Item` });
        continue;
      }
      const { path, pathParameters } = samePathAs(openApiPath(binding, schemas), shapes);
      const item = (paths[path] ??= {});
      const other = item[verb];
      if (other !== undefined) {
        omitted.push({ binding: binding.label, where: binding.where, reason: `its OpenAPI path "${binding.verb} ${path}" is that of ${other.operationId}; OpenAPI cannot tell the two apart` });
        continue;
      }
      const base = `${service.name}_${binding.method.name}${n === 0 ? '' : `_${n}`}`;
      const operationId = operationIds.has(base) ? `${service.typeName.replaceAll('.', '_')}_${binding.method.name}${n === 0 ? '' : `_${n}`}` : base;
      operationIds.add(operationId);
      item[verb] = operation(binding, operationId, [...pathParameters, ...queryParameters(binding, schemas)], schemas);
    }
  }
  const title = options.title ?? (services.map((s) => s.name).join(', ') || 'API');
  return {
    openapi: '3.1.0',
    info: { title, version: options.version ?? '0.0.0', ...(options.description === undefined ? {} : { description: options.description }) },
    ...(options.servers === undefined ? {} : { servers: options.servers }),
    tags: services.map((s) => {
      const description = commentOf(s);
      return { name: s.name, ...(description === undefined ? {} : { description }) };
    }),
    paths,
    components: { schemas: { ...schemas.all(), [STATUS_SCHEMA]: statusSchema }, responses: errorResponses() },
    ...(omitted.length === 0 ? {} : { 'x-bricks-omitted': omitted }),
  };
}

const PLACEHOLDER = /\{([^}]*)\}/g;

/**
 * OpenAPI forbids two paths that differ only in their parameters' names (/v1/{name} and
 * /v1/{book.name}): the second takes the first's path, its parameters renamed by position,
 * each saying which field it binds.
 */
function samePathAs(p: PathAndParameters, shapes: Map<string, string>): PathAndParameters {
  const shape = p.path.replace(PLACEHOLDER, '{}');
  const known = shapes.get(shape);
  if (known === undefined) {
    shapes.set(shape, p.path);
    return p;
  }
  if (known === p.path) return p;
  const names = [...known.matchAll(PLACEHOLDER)].map((m) => m[1]!);
  const pathParameters = p.pathParameters.map((param, i) => {
    const name = names[i] ?? param.name;
    if (name === param.name) return param;
    const binds = `Binds ${param.name}.`;
    return { ...param, name, description: param.description === undefined ? binds : `${binds}\n\n${param.description}` };
  });
  return { path: known, pathParameters };
}

function isPathItemMethod(verb: string): verb is PathItemMethod {
  return (PATH_ITEM_METHODS as readonly string[]).includes(verb);
}

function operation(binding: Binding, operationId: string, parameters: Operation['parameters'] & object, schemas: Schemas): Operation {
  const method = binding.method;
  const description = commentOf(method);
  const requestBody = bodyOf(binding, schemas);
  return {
    operationId,
    tags: [method.parent.name],
    summary: `${method.parent.name}.${method.name}`,
    ...(description === undefined ? {} : { description }),
    ...(parameters.length === 0 ? {} : { parameters }),
    ...(requestBody === undefined ? {} : { requestBody }),
    responses: {
      '200': answerOf(binding, schemas),
      '400': { $ref: `#/components/responses/${RESPONSE.badRequest}` },
      '404': { $ref: `#/components/responses/${RESPONSE.notFound}` },
      default: { $ref: `#/components/responses/${RESPONSE.error}` },
    },
  };
}

function isHttpBody(desc: DescMessage): boolean {
  return desc.typeName === HttpBodySchema.typeName;
}

function bodyOf(binding: Binding, schemas: Schemas): RequestBody | undefined {
  const body = binding.body;
  const input = binding.method.input;
  switch (body.kind) {
    case 'none':
      return undefined;
    case 'whole': {
      if (isHttpBody(input)) return { description: 'The raw body, of any content type.', content: RAW };
      // The path's values win over the body's (request.ts), so the body schema leaves them out.
      const pathBound = new Set(binding.pathFields.filter((p) => p.fields.length === 1).map((p) => p.fields[0]!));
      const schema = wellKnownSchema(input) !== undefined || pathBound.size === 0 ? schemas.message(input) : schemas.objectOf(input, pathBound);
      return { content: { 'application/json': { schema } } };
    }
    case 'field': {
      const f = body.field;
      if (f.fieldKind === 'message' && isHttpBody(f.message)) return { description: `The raw body, of any content type, as ${f.name}.`, content: RAW };
      return { description: `The field ${f.name} of ${input.typeName}.`, content: { 'application/json': { schema: schemas.field(f) } } };
    }
    default: {
      const never: never = body;
      return never;
    }
  }
}

function answerOf(binding: Binding, schemas: Schemas): Response {
  const output = binding.method.output;
  const field = binding.responseBody;
  if (field === null) {
    if (isHttpBody(output)) return { description: 'The raw body, in the content type the method answers with.', content: RAW };
    return { description: output.typeName, content: { 'application/json': { schema: schemas.message(output) } } };
  }
  if (field.fieldKind === 'message' && isHttpBody(field.message)) return { description: `The raw body from ${field.name}.`, content: RAW };
  return { description: `The field ${field.name} of ${output.typeName}.`, content: { 'application/json': { schema: schemas.field(field) } } };
}
