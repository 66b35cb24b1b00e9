// The HttpRule conformance table: each row an HTTP request and the RPC request the service
// must receive, then the RPC's answer (or error) and the HTTP response the client must get.
// Real sockets throughout: HTTP into the gateway's listener, RPC from its SDK client to a real
// serve() of the test contract, both on loopback.
import assert from 'node:assert/strict';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test, type TestContext } from 'node:test';
import { create, equals, toJsonString, type DescMessage, type DescMethod, type Message, type MessageInitShape } from '@bufbuild/protobuf';
import { BricksError, closeClients, implement, serve, type ServiceImplementation } from '@bricks/sdk';
import { createGateway } from './gateway.ts';
import {
  ArchiveBookRequestSchema,
  BookSchema,
  CreateBookRequestSchema,
  CreateBookResponseSchema,
  FailRequestSchema,
  Genre,
  GetBookRequestSchema,
  GetFileRequestSchema,
  GetShelfRequestSchema,
  LibraryService,
  ListBooksRequestSchema,
  ListBooksResponseSchema,
  PutShelfRequestSchema,
  SearchRequestSchema,
  ShelfSchema,
  UpdateBookRequestSchema,
  UploadCoverRequestSchema,
  UploadCoverResponseSchema,
} from './gen/bricks/gateway/test/v1/library_pb.ts';
import { HttpBodySchema } from './gen/google/api/httpbody_pb.ts';
import { nodeHandler } from './http-listener.ts';

interface Expected {
  readonly schema: DescMessage;
  readonly message: Message;
}

function msg<D extends DescMessage>(schema: D, init: MessageInitShape<D>): Expected {
  return { schema, message: create(schema, init) };
}

interface Row {
  readonly name: string;
  readonly method: string;
  readonly path: string;
  readonly body?: string | Uint8Array;
  readonly contentType?: string;
  /** The RPC the service must receive: method name and request; absent when no call may be made. */
  readonly rpc?: { readonly method: string; readonly request: Expected };
  /** What the service answers: a response message, or an error it throws. Default: an empty response. */
  readonly reply?: Expected | BricksError;
  readonly status: number;
  /** The response body as JSON, compared whole; a RegExp is matched against the google.rpc.Status message. */
  readonly json?: unknown;
  readonly error?: { readonly code: number; readonly message: RegExp };
  readonly raw?: { readonly contentType: string; readonly body: string };
  readonly headers?: Readonly<Record<string, string>>;
}

const ts = { seconds: 1704164645n, nanos: 0 }; // 2024-01-02T03:04:05Z
const book = 'shelves/3/books/9';

const rows: Row[] = [
  // Verbs, {field}, int64 in the path and as a JSON string in the answer.
  {
    name: 'GET with a scalar path variable',
    method: 'GET',
    path: '/v1/shelves/7',
    rpc: { method: 'GetShelf', request: msg(GetShelfRequestSchema, { shelf: 7n }) },
    reply: msg(ShelfSchema, { id: 7n, theme: 'poetry', labels: ['a'] }),
    status: 200,
    json: { id: '7', theme: 'poetry', labels: ['a'] },
  },
  {
    name: 'PUT with body "*": every field the path does not bind, the path wins over the body',
    method: 'PUT',
    path: '/v1/shelves/7',
    body: '{"theme":"sea","labels":["x","y"],"shelf":"9"}',
    rpc: { method: 'PutShelf', request: msg(PutShelfRequestSchema, { shelf: 7n, theme: 'sea', labels: ['x', 'y'] }) },
    reply: msg(ShelfSchema, { id: 7n, theme: 'sea' }),
    status: 200,
    json: { id: '7', theme: 'sea' },
  },
  // {field=pattern}, percent-decoding of a one-segment match inside it, enums and WKTs in the answer.
  {
    name: 'GET with a multi-segment variable; the answer by the proto3 JSON mapping',
    method: 'GET',
    path: '/v1/shelves/3/books/b%C3%A9%201',
    rpc: { method: 'GetBook', request: msg(GetBookRequestSchema, { name: 'shelves/3/books/bé 1' }) },
    reply: msg(BookSchema, { name: book, title: 'Dune', genre: Genre.FICTION, pages: 412n, published: ts }),
    status: 200,
    json: { name: book, title: 'Dune', genre: 'GENRE_FICTION', pages: '412', published: '2024-01-02T03:04:05Z' },
  },
  {
    name: 'additional_bindings: a second template for the same method',
    method: 'GET',
    path: '/v1/books/xyz',
    rpc: { method: 'GetBook', request: msg(GetBookRequestSchema, { name: 'xyz' }) },
    status: 200,
    json: {},
  },
  {
    name: 'the most specific template wins: a literal over a wildcard',
    method: 'GET',
    path: '/v1/shelves/3/books/featured',
    rpc: { method: 'GetFeaturedBook', request: msg(GetShelfRequestSchema, { shelf: 3n }) },
    reply: msg(BookSchema, { title: 'Emma' }),
    status: 200,
    json: { title: 'Emma' },
  },
  // Query parameters: repeated, nested, enums by name and number, WKTs, wrappers, json_name, uint64, bytes.
  {
    name: 'query parameters for every kind of unbound field',
    method: 'GET',
    path:
      '/v1/shelves/3/books?page_size=10&tags=a&tags=b%20c&filter.author=Ann&filter.genre=GENRE_POETRY' +
      '&published_after=2024-01-02T03:04:05Z&max_age=3.5s&read_mask=title,publishedAt&min_rating=4.5&in_print=true' +
      '&flag=true&order=desc&genres=GENRE_FICTION&genres=2&cursor=18446744073709551615&token=AQID',
    rpc: {
      method: 'ListBooks',
      request: msg(ListBooksRequestSchema, {
        shelf: 3n,
        pageSize: 10,
        tags: ['a', 'b c'],
        filter: { author: 'Ann', genre: Genre.POETRY },
        publishedAfter: ts,
        maxAge: { seconds: 3n, nanos: 500_000_000 },
        readMask: { paths: ['title', 'published_at'] },
        minRating: 4.5,
        inPrint: true,
        flag: true,
        sortOrder: 'desc',
        genres: [Genre.FICTION, Genre.POETRY],
        cursor: 18446744073709551615n,
        token: new Uint8Array([1, 2, 3]),
      }),
    },
    reply: msg(ListBooksResponseSchema, { books: [{ name: book }], nextPageToken: 'n' }),
    status: 200,
    json: { books: [{ name: book }], nextPageToken: 'n' },
  },
  {
    name: 'query parameters by JSON name or proto name, enums by number',
    method: 'GET',
    path: '/v1/shelves/3/books?pageSize=5&sort_order=asc&filter.genre=1&maxAge=60s',
    rpc: { method: 'ListBooks', request: msg(ListBooksRequestSchema, { shelf: 3n, pageSize: 5, sortOrder: 'asc', filter: { genre: Genre.FICTION }, maxAge: { seconds: 60n } }) },
    status: 200,
    json: {},
  },
  // body: "field", response_body, query beside a body field.
  {
    name: 'POST with body "book", a query parameter beside it, response_body "book"',
    method: 'POST',
    path: '/v1/shelves/3/books?request_id=r-1',
    body: '{"title":"Dune","genre":"GENRE_FICTION","pages":"412","published":"2024-01-02T03:04:05Z"}',
    contentType: 'application/json',
    rpc: { method: 'CreateBook', request: msg(CreateBookRequestSchema, { shelf: 3n, requestId: 'r-1', book: { title: 'Dune', genre: Genre.FICTION, pages: 412n, published: ts } }) },
    reply: msg(CreateBookResponseSchema, { book: { name: book, title: 'Dune' }, requestId: 'r-1' }),
    status: 200,
    json: { name: book, title: 'Dune' },
  },
  {
    name: 'PATCH with a nested path variable {book.name} inside the body field, FieldMask in the query',
    method: 'PATCH',
    path: `/v1/${book}?update_mask=title,pages`,
    body: '{"title":"New","pages":1}',
    rpc: { method: 'UpdateBook', request: msg(UpdateBookRequestSchema, { book: { name: book, title: 'New', pages: 1n }, updateMask: { paths: ['title', 'pages'] } }) },
    reply: msg(BookSchema, { name: book, title: 'New' }),
    status: 200,
    json: { name: book, title: 'New' },
  },
  {
    name: 'DELETE without a body, google.protobuf.Empty back',
    method: 'DELETE',
    path: `/v1/${book}`,
    rpc: { method: 'DeleteBook', request: msg(GetBookRequestSchema, { name: book }) },
    status: 200,
    json: {},
  },
  {
    name: 'a :verb suffix',
    method: 'POST',
    path: `/v1/${book}:archive`,
    body: '{"reason":"old"}',
    rpc: { method: 'ArchiveBook', request: msg(ArchiveBookRequestSchema, { name: book, reason: 'old' }) },
    reply: msg(BookSchema, { name: book }),
    status: 200,
    json: { name: book },
  },
  {
    name: 'a custom verb (SEARCH)',
    method: 'SEARCH',
    path: '/v1/books?q=dune',
    rpc: { method: 'Search', request: msg(SearchRequestSchema, { q: 'dune' }) },
    status: 200,
    json: {},
  },
  // **, its decoding (%2F kept), and google.api.HttpBody both ways.
  {
    name: '** keeps "/" and %2F; an HttpBody answer is sent raw',
    method: 'GET',
    path: '/v1/files/dir/a%2Fb/c%20d.txt',
    rpc: { method: 'GetFile', request: msg(GetFileRequestSchema, { path: 'dir/a%2Fb/c d.txt' }) },
    reply: msg(HttpBodySchema, { contentType: 'text/plain', data: new TextEncoder().encode('hello') }),
    status: 200,
    raw: { contentType: 'text/plain', body: 'hello' },
  },
  {
    name: '** matches zero segments',
    method: 'GET',
    path: '/v1/files',
    rpc: { method: 'GetFile', request: msg(GetFileRequestSchema, { path: '' }) },
    reply: msg(HttpBodySchema, { data: new Uint8Array([0xff]) }),
    status: 200,
    raw: { contentType: 'application/octet-stream', body: '\ufffd' },
  },
  {
    name: 'an HttpBody body field takes the raw request body and its content type',
    method: 'PUT',
    path: `/v1/${book}/cover`,
    body: new Uint8Array([0x89, 0x50, 0x4e, 0x47]),
    contentType: 'image/png',
    rpc: { method: 'UploadCover', request: msg(UploadCoverRequestSchema, { name: book, cover: { contentType: 'image/png', data: new Uint8Array([0x89, 0x50, 0x4e, 0x47]) } }) },
    reply: msg(UploadCoverResponseSchema, { name: book, size: 4n, contentType: 'image/png' }),
    status: 200,
    json: { name: book, size: '4', contentType: 'image/png' },
  },
  {
    name: 'an HttpBody request message with body "*" takes the raw body',
    method: 'POST',
    path: '/v1/ingest',
    body: 'a,b\n1,2\n',
    contentType: 'text/csv',
    rpc: { method: 'Ingest', request: msg(HttpBodySchema, { contentType: 'text/csv', data: new TextEncoder().encode('a,b\n1,2\n') }) },
    status: 200,
    json: {},
  },
  {
    name: 'google.protobuf.Struct in the body and the answer',
    method: 'POST',
    path: '/v1/shelves/3/books',
    body: '{"attributes":{"signed":true,"tags":["a",1],"by":{"n":null}}}',
    rpc: {
      method: 'CreateBook',
      request: msg(CreateBookRequestSchema, {
        shelf: 3n,
        // protoc-gen-es types a Struct field as the JSON object itself.
        book: { attributes: { signed: true, tags: ['a', 1], by: { n: null } } },
      }),
    },
    reply: msg(CreateBookResponseSchema, { book: { attributes: { signed: true } } }),
    status: 200,
    json: { attributes: { signed: true } },
  },
  // Errors of the RPC: the HTTP status of their code, google.rpc.Status as the body.
  ...(
    [
      ['not_found', 404, 5],
      ['invalid_argument', 400, 3],
      ['permission_denied', 403, 7],
      ['unauthenticated', 401, 16],
      ['resource_exhausted', 429, 8],
      ['failed_precondition', 400, 9],
      ['already_exists', 409, 6],
      ['unimplemented', 501, 12],
      ['unavailable', 503, 14],
      ['internal', 500, 13],
    ] as const
  ).map(
    ([code, status, grpc]): Row => ({
      name: `an RPC error ${code} → ${status}`,
      method: 'GET',
      path: `/v1/fail/${code}?message=went%20wrong`,
      rpc: { method: 'Fail', request: msg(FailRequestSchema, { code, message: 'went wrong' }) },
      reply: new BricksError(code, 'went wrong'),
      status,
      json: { code: grpc, message: 'went wrong', details: [] },
    }),
  ),
  // Bad input: a 400 naming the field, and no call.
  { name: 'a path value of the wrong type', method: 'GET', path: '/v1/shelves/abc', status: 400, error: { code: 3, message: /^path variable shelf: "abc" is not a 64-bit integer$/ } },
  { name: 'a query value of the wrong type', method: 'GET', path: '/v1/shelves/3/books?page_size=ten', status: 400, error: { code: 3, message: /^query parameter page_size: "ten" is not a 32-bit integer$/ } },
  { name: 'a query value out of range', method: 'GET', path: '/v1/shelves/3/books?page_size=2147483648', status: 400, error: { code: 3, message: /query parameter page_size/ } },
  { name: 'an unknown query parameter', method: 'GET', path: '/v1/shelves/3/books?nope=1', status: 400, error: { code: 3, message: /query parameter nope: .*ListBooksRequest has no field nope/ } },
  { name: 'an unknown enum name', method: 'GET', path: '/v1/shelves/3/books?filter.genre=JAZZ', status: 400, error: { code: 3, message: /query parameter filter\.genre: "JAZZ" is not a value of bricks\.gateway\.test\.v1\.Genre \(GENRE_UNSPECIFIED, GENRE_FICTION, GENRE_POETRY\)/ } },
  { name: 'a message field as one query value', method: 'GET', path: '/v1/shelves/3/books?filter=x', status: 400, error: { code: 3, message: /query parameter filter: filter is a message; give its fields/ } },
  { name: 'a bad Timestamp', method: 'GET', path: '/v1/shelves/3/books?published_after=yesterday', status: 400, error: { code: 3, message: /query parameter published_after: "yesterday" is not a google\.protobuf\.Timestamp/ } },
  { name: 'a singular field given twice', method: 'GET', path: '/v1/shelves/3/books?flag=true&flag=false', status: 400, error: { code: 3, message: /query parameter flag: given 2 times/ } },
  { name: 'a query parameter for a path-bound field', method: 'GET', path: '/v1/shelves/3/books?shelf=4', status: 400, error: { code: 3, message: /query parameter shelf: shelf is bound by the path/ } },
  { name: 'a query parameter beside body "*"', method: 'PUT', path: '/v1/shelves/7?theme=x', body: '{}', status: 400, error: { code: 3, message: /query parameter theme: this method takes every field in the body/ } },
  { name: 'a body that is not JSON', method: 'PUT', path: '/v1/shelves/7', body: '{theme', status: 400, error: { code: 3, message: /^body: not JSON/ } },
  { name: 'a body with an unknown field', method: 'PUT', path: '/v1/shelves/7', body: '{"colour":"red"}', status: 400, error: { code: 3, message: /^body: .*colour/ } },
  { name: 'a body field of the wrong type', method: 'POST', path: '/v1/shelves/3/books', body: '{"pages":"many"}', status: 400, error: { code: 3, message: /^body \(book\): .*pages/ } },
  { name: 'a bad percent-encoding', method: 'GET', path: '/v1/books/%E0%A4', status: 400, error: { code: 3, message: /^path variable name: "%E0%A4" is not percent-encoded UTF-8$/ } },
  // No route.
  { name: 'no template matches: 404', method: 'GET', path: '/v9/nothing', status: 404, error: { code: 5, message: /^no route for GET \/v9\/nothing$/ } },
  { name: 'only other verbs match: 405 with Allow', method: 'POST', path: '/v1/shelves/7', status: 405, error: { code: 12, message: /takes GET, PUT/ }, headers: { allow: 'GET, PUT' } },
];

interface Received {
  readonly method: DescMethod;
  readonly request: Message;
}

// Connect, and the SDK's default between peers (the fast transport where the build has it):
// the gateway's calls must not depend on the wire.
for (const protocol of ['connect', undefined] as const) {
  test(`HttpRule conformance over loopback (${protocol ?? 'default protocol'}): HTTP → gateway → SDK client → serve()`, async (t) => {
    await runTable(t, protocol);
  });
}

async function runTable(t: TestContext, protocol: 'connect' | undefined): Promise<void> {
  const received: Received[] = [];
  let reply: Row['reply'];
  // Every method records what it got and answers what the current row says.
  const handlers = Object.fromEntries(
    LibraryService.methods.map((method) => [
      method.localName,
      (request: Message) => {
        received.push({ method, request });
        if (reply instanceof BricksError) throw reply;
        return reply?.message ?? create(method.output);
      },
    ]),
  );
  const impl: ServiceImplementation = implement(LibraryService, handlers);
  const server = await serve({ services: [impl], host: '127.0.0.1', port: 0, handleSignals: false, drainDelayMs: 0, env: {} });
  // The errors rows fail on purpose, again and again: no retries, and keep the breaker closed.
  const gateway = createGateway({
    services: [LibraryService],
    clientOptions: () => ({ url: server.url, ...(protocol === undefined ? {} : { protocol }), inProcess: false, env: {}, resilience: { retries: { max: 0 }, circuitBreaker: { failures: 1000 } } }),
  });
  const listener: HttpServer = createServer(nodeHandler(gateway));
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    await new Promise<void>((resolve) => listener.close(() => resolve()));
    await closeClients();
    await server.shutdown();
  });
  const base = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;

  for (const row of rows) {
    await t.test(row.name, async () => {
      received.length = 0;
      reply = row.reply;
      const headers: Record<string, string> = row.contentType === undefined ? {} : { 'content-type': row.contentType };
      const res = await fetch(`${base}${row.path}`, { method: row.method, headers, ...(row.body === undefined ? {} : { body: row.body }) });
      const text = await res.text();
      // The RPC first: a wrong call explains a wrong answer.
      if (row.rpc === undefined) assert.deepEqual(received, [], 'no RPC may be made');
      else {
        assert.equal(received.length, 1, `one RPC (got ${received.length}); HTTP ${res.status} ${text}`);
        const got = received[0]!;
        assert.equal(got.method.name, row.rpc.method);
        const want = row.rpc.request;
        assert.ok(equals(want.schema, got.request, want.message), `request\n  got:  ${toJsonString(want.schema, got.request)}\n  want: ${toJsonString(want.schema, want.message)}`);
      }
      assert.equal(res.status, row.status, text);
      for (const [k, v] of Object.entries(row.headers ?? {})) assert.equal(res.headers.get(k), v, k);
      if (row.raw !== undefined) {
        assert.equal(res.headers.get('content-type'), row.raw.contentType);
        assert.equal(text, row.raw.body);
        return;
      }
      assert.equal(res.headers.get('content-type'), 'application/json');
      const body = JSON.parse(text) as unknown;
      if (row.json !== undefined) assert.deepEqual(body, row.json);
      if (row.error !== undefined) {
        const status = body as { code: unknown; message: unknown; details: unknown };
        assert.equal(status.code, row.error.code);
        assert.match(String(status.message), row.error.message);
        assert.deepEqual(status.details, []);
      }
    });
  }
}
