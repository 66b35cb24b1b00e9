// Handlers keyed by the contract's route names become the server's routes: method and path come
// from the contract, and each handler gets its request already decoded (query) or checked (body).
import { API } from './contract/index.ts';
import type { JsonOf, LineOf, RequestOf, RouteName } from './contract/index.ts';
import { parseBody, takesBody } from './contract/body-check.ts';
import type { ApiRequest, Route } from './server.ts';

/** What a route may answer: its JSON document, its stream of lines, or (logs) either. */
export type Reply<K extends RouteName> =
  | ([JsonOf<K>] extends [never] ? never : { readonly kind: 'json'; readonly body: JsonOf<K> })
  /** A route whose document is text (the metrics exposition) answers it as is. */
  | ([JsonOf<K>] extends [string] ? { readonly kind: 'text'; readonly body: string; readonly contentType: string } : never)
  | ([LineOf<K>] extends [never] ? never : { readonly kind: 'stream'; readonly lines: AsyncIterable<LineOf<K>> });

export type Handler<K extends RouteName> = (request: RequestOf<K>, context: { readonly signal: AbortSignal }) => Promise<Reply<K>>;

/** One handler per route of the contract: a route added there does not compile until it is served. */
export type Handlers = { readonly [K in RouteName]: Handler<K> };

export function routeTable(handlers: Handlers): Route[] {
  return (Object.keys(API) as RouteName[]).map((name) => bind(name, handlers));
}

function bind<K extends RouteName>(name: K, handlers: Handlers): Route {
  const spec = API[name];
  const handler: Handler<K> = handlers[name];
  return {
    method: spec.method,
    path: spec.path,
    ...('public' in spec ? { public: spec.public } : {}),
    // why: TypeScript does not relate API[K]'s request spec to RequestOf<K>; both come from the same entry.
    handler: (req) => handler(decode(name, req) as RequestOf<K>, { signal: req.signal }),
  };
}

function decode(name: RouteName, req: ApiRequest): unknown {
  const request = API[name].request;
  switch (request.in) {
    case 'none':
      return undefined;
    case 'query':
      return request.codec.decode(req.query);
    case 'body':
      if (!takesBody(name)) throw new Error(`the contract gives ${name} a body but no schema for it`);
      return parseBody(name, req.body);
  }
}
