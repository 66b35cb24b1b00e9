// The parts of an OpenAPI 3.1 document that the gateway writes: plain JSON values, typed only
// as far as the generator needs to build them (a schema is any JSON Schema 2020-12 object).
export type Schema = { readonly [keyword: string]: unknown };

export interface Parameter {
  readonly name: string;
  readonly in: 'path' | 'query';
  readonly required?: boolean;
  readonly description?: string;
  readonly schema: Schema;
  readonly style?: 'simple' | 'form';
  readonly explode?: boolean;
}

export interface MediaType {
  readonly schema: Schema;
}

export interface RequestBody {
  readonly required?: boolean;
  readonly description?: string;
  readonly content: Readonly<Record<string, MediaType>>;
}

export interface Response {
  readonly description: string;
  readonly headers?: Readonly<Record<string, { readonly description?: string; readonly schema: Schema }>>;
  readonly content?: Readonly<Record<string, MediaType>>;
}

export type ResponseOrRef = Response | { readonly $ref: string };

export interface Operation {
  readonly operationId: string;
  readonly tags: readonly string[];
  readonly summary?: string;
  readonly description?: string;
  readonly parameters?: readonly Parameter[];
  readonly requestBody?: RequestBody;
  readonly responses: Readonly<Record<string, ResponseOrRef>>;
}

/** The HTTP methods a 3.1 Path Item has a field for; any other verb cannot be listed. */
export const PATH_ITEM_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
export type PathItemMethod = (typeof PATH_ITEM_METHODS)[number];

export type PathItem = { -readonly [M in PathItemMethod]?: Operation };

/** A binding the document cannot list, and why (the gateway still serves it). */
export interface Omitted {
  readonly binding: string;
  readonly where: string;
  readonly reason: string;
}

export interface OpenApiDocument {
  readonly openapi: '3.1.0';
  readonly info: { readonly title: string; readonly version: string; readonly description?: string };
  readonly servers?: readonly { readonly url: string; readonly description?: string }[];
  readonly tags: readonly { readonly name: string; readonly description?: string }[];
  readonly paths: Readonly<Record<string, PathItem>>;
  readonly components: {
    readonly schemas: Readonly<Record<string, Schema>>;
    readonly responses: Readonly<Record<string, Response>>;
  };
  /** Bindings left out: verbs a Path Item has no field for, or two bindings on one OpenAPI path. */
  readonly 'x-bricks-omitted'?: readonly Omitted[];
}
