// How the contract describes one route: its method and path, how its request travels, and (as
// types only) what it answers: a JSON document, NDJSON lines, or either.

/** A GET route's request, in the query string: the client encodes it, the route decodes it. */
export interface QueryCodec<T> {
  encode(value: T): URLSearchParams;
  decode(query: URLSearchParams): T;
}

export type RequestSpec<T> =
  | { readonly in: 'none' }
  | { readonly in: 'query'; readonly codec: QueryCodec<T> }
  /** A JSON body. Its schema is in bodies.ts, which only the routes load (zod is not small). */
  | { readonly in: 'body' };

export interface RouteSpec<Request, Json, Line> {
  readonly method: 'GET' | 'POST';
  readonly path: `/v1/${string}`;
  /** Read by replicas, which have no token. */
  readonly public?: boolean;
  readonly request: RequestSpec<Request>;
  /** Never set: carries the route's types to RequestOf, JsonOf and LineOf. */
  readonly types?: { readonly request: Request; readonly json: Json; readonly line: Line };
}

/**
 * `Json` is the document a route answers with, `Line` the type of each line of its stream;
 * `never` for the form it does not have.
 */
export function route<Request = void, Json = never, Line = never>(spec: Omit<RouteSpec<Request, Json, Line>, 'types'>): RouteSpec<Request, Json, Line> {
  return spec;
}

export const NO_REQUEST = { in: 'none' } as const;
export const JSON_BODY = { in: 'body' } as const;

/** Only the entries that are set, so the query of a default request is empty. */
export function queryOf(entries: Readonly<Record<string, string | readonly string[] | undefined>>): URLSearchParams {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(entries)) {
    if (typeof value === 'string') query.set(key, value);
    else for (const v of value ?? []) query.append(key, v);
  }
  return query;
}
