// The gateway's test contract used through the types openapi-typescript makes from its OpenAPI
// document (gen/library.openapi.ts, kept fresh by document.test.ts), request by request as the
// conformance table calls it: `npm run typecheck` fails when the document stops describing the
// requests the gateway takes and the JSON it answers with. Nothing imports this file.
import type { components, paths } from './gen/library.openapi.ts';

type Method = 'get' | 'put' | 'post' | 'delete' | 'patch';
type Op<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
type Params<P extends keyof paths, M extends Method> = Op<P, M> extends { parameters: infer X } ? X : never;
type Body<P extends keyof paths, M extends Method> = Op<P, M> extends { requestBody?: { content: infer C } } ? C[keyof C] : undefined;
type Ok<P extends keyof paths, M extends Method> = Op<P, M> extends { responses: { 200: { content: infer C } } } ? C[keyof C] : never;
type Schema<N extends keyof components['schemas']> = components['schemas'][N];
type Status = Schema<'google.rpc.Status'>;

interface Call<P extends keyof paths, M extends Method> {
  readonly params: Params<P, M>;
  readonly body?: Body<P, M>;
  /** What the gateway answers, as the conformance table expects it. */
  readonly ok?: Ok<P, M>;
  readonly error?: Status;
}

/** One row: the path and method pick the operation, the rest must fit its types. */
function call<P extends keyof paths, M extends Method>(path: P, method: M, c: Call<P, M>): Call<P, M> & { path: P; method: M } {
  return { ...c, path, method };
}

export const rows = [
  // int64 in the path and in the answer is a string.
  call('/v1/shelves/{shelf}', 'get', { params: { path: { shelf: '7' } }, ok: { id: '7', theme: 'poetry', labels: ['a'] } }),
  call('/v1/shelves/{shelf}', 'put', { params: { path: { shelf: '7' } }, body: { theme: 'sea', labels: ['x', 'y'] }, ok: { id: '7', theme: 'sea', labels: ['x', 'y'] } }),
  // A multi-segment variable takes its value with "/" in it.
  call('/v1/{name}', 'get', { params: { path: { name: 'shelves/3/books/9' } }, ok: { name: 'shelves/3/books/9', title: 'Odes', genre: 'GENRE_POETRY', pages: '120', published: '2024-01-02T03:04:05Z', attributes: { signed: true } } }),
  call('/v1/books/{name}', 'get', { params: { path: { name: '9' } } }),
  call('/v1/shelves/{shelf}/books', 'get', {
    params: {
      path: { shelf: '3' },
      query: { pageSize: 10, tags: ['a', 'b'], 'filter.genre': 'GENRE_FICTION', 'filter.author': 'Ann', publishedAfter: '2024-01-02T03:04:05Z', maxAge: '1.5s', readMask: 'title,pages', minRating: 4.5, inPrint: true, order: 'asc', genres: ['GENRE_POETRY'], cursor: '18446744073709551615', token: 'AAE=' },
    },
    ok: { books: [{ name: 'shelves/3/books/1' }], nextPageToken: 'n' },
  }),
  // body: "book", response_body: "book".
  call('/v1/shelves/{shelf}/books', 'post', { params: { path: { shelf: '3' }, query: { requestId: 'r1' } }, body: { title: 'New' }, ok: { name: 'shelves/3/books/10', title: 'New' } }),
  call('/v1/{name}', 'patch', { params: { path: { name: 'shelves/3/books/9' }, query: { updateMask: 'title' } }, body: { title: 'Renamed' } }),
  call('/v1/{name}', 'delete', { params: { path: { name: 'shelves/3/books/9' } }, ok: {} }),
  call('/v1/{name}:archive', 'post', { params: { path: { name: 'shelves/3/books/9' } }, body: { reason: 'old' } }),
  // Raw bodies: any bytes, any content type.
  call('/v1/files/{path}', 'get', { params: { path: { path: 'a/b/c.txt' } }, ok: 'hello' }),
  call('/v1/{name}/cover', 'put', { params: { path: { name: 'shelves/3/books/9' } }, body: 'PNG…', ok: { name: 'shelves/3/books/9', size: '4', contentType: 'image/png' } }),
  call('/v1/ingest', 'post', { params: {}, body: 'raw' }),
  call('/v1/fail/{code}', 'get', { params: { path: { code: 'not_found' } }, error: { code: 5, message: 'no such book', details: [] } }),
];

export const wrong = [
  // @ts-expect-error int64 is a JSON string by the proto3 mapping, never a number
  call('/v1/shelves/{shelf}', 'get', { params: { path: { shelf: '7' } }, ok: { id: 7 } }),
  // @ts-expect-error enums are written by name
  call('/v1/shelves/{shelf}/books', 'get', { params: { path: { shelf: '3' }, query: { 'filter.genre': 1 } } }),
  // @ts-expect-error body "*" takes nothing from the query
  call('/v1/shelves/{shelf}', 'put', { params: { path: { shelf: '7' }, query: { theme: 'x' } } }),
  // @ts-expect-error a path variable is required
  call('/v1/{name}', 'get', { params: { path: {} } }),
];
