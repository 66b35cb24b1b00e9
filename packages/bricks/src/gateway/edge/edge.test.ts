// The edge policies over loopback: HTTP into edgeHandler, the real gateway, its SDK client, a
// real serve() of the test contract, and a local OIDC issuer made in the test (keys from jose,
// discovery and JWKS on loopback). What the service received is checked, not only the answers.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { test } from 'node:test';
import { create, type DescMethod } from '@bufbuild/protobuf';
import { closeClients, implement, serve, type ServiceImplementation } from '@bricks/sdk';
import { TestIssuer, b64url } from '../../../../sdk/src/testing/oidc-issuer.ts';
import { createGateway } from '../gateway.ts';
import { LibraryService } from '../gen/bricks/gateway/test/v1/library_pb.ts';
import { parseEdgePolicies } from './config.ts';
import { edgeHandler, type AccessLogLine } from './edge-handler.ts';
import { listen } from './listen.ts';
import { EDGE_REQUESTS } from './metrics.ts';

interface Received {
  readonly method: string;
  readonly headers: Headers;
}

const APP = 'https://app.example.com';

test('edge policies over loopback: auth, scopes, rate limits, CORS, body limits, request ids, metadata, logs, metrics', async (t) => {
  const issuer = await TestIssuer.start();
  const received: Received[] = [];
  const handlers = Object.fromEntries(
    LibraryService.methods.map((method: DescMethod) => [
      method.localName,
      (_request: unknown, ctx: { requestHeaders: Headers }) => {
        received.push({ method: method.name, headers: new Headers(ctx.requestHeaders) });
        return create(method.output);
      },
    ]),
  );
  const impl: ServiceImplementation = implement(LibraryService, handlers);
  const server = await serve({ services: [impl], host: '127.0.0.1', port: 0, handleSignals: false, drainDelayMs: 0, env: {} });
  const gateway = createGateway({
    services: [LibraryService],
    clientOptions: () => ({ url: server.url, protocol: 'connect', inProcess: false, env: {}, resilience: { retries: { max: 0 }, circuitBreaker: { failures: 1000 } } }),
  });
  const policies = parseEdgePolicies({
    auth: { issuer: issuer.url, audience: 'gateway' },
    cors: { origins: [APP] },
    headers: ['x-tenant'],
    bodyLimit: '1KiB',
    routes: {
      'GET /v1/shelves/{shelf}': { auth: { public: true } },
      'PUT /v1/shelves/{shelf}': { auth: { scopes: ['shelves.write'] } },
      'bricks.gateway.test.v1.LibraryService/ListBooks': { rateLimit: { requests: 2, per: '1h' } },
      'POST /v1/ingest': { auth: { public: true }, bodyLimit: 64 },
    },
  });
  const lines: AccessLogLine[] = [];
  // A clock that stands still: the rate limit's tokens come back only when the test says.
  const now = Date.now();
  const edge = edgeHandler(gateway, policies, { services: [LibraryService], logger: { info: (line) => lines.push(line) }, now: () => now });
  const listening = await listen(edge, { port: 0, host: '127.0.0.1' });
  t.after(async () => {
    await listening.close();
    await closeClients();
    await server.shutdown();
    await issuer.close();
  });
  const base = listening.url;
  const call = async (method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<{ res: Response; text: string; rpc: Received | undefined }> => {
    received.length = 0;
    const res = await fetch(`${base}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
    const text = await res.text();
    assert.ok(received.length <= 1);
    return { res, text, rpc: received[0] };
  };
  const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
  const token = await issuer.sign({ audience: 'gateway', subject: 'ann', claims: { scope: 'shelves.read' } });

  await t.test('a public route needs no token; a request id is made, echoed and passed on', async () => {
    const { res, rpc } = await call('GET', '/v1/shelves/7');
    assert.equal(res.status, 200);
    const id = res.headers.get('x-request-id');
    assert.match(id ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(rpc?.headers.get('x-request-id'), id);
  });

  await t.test("a caller's sane request id is kept; one too long or of other characters is replaced", async () => {
    const kept = await call('GET', '/v1/shelves/7', { 'x-request-id': 'req-42.abc' });
    assert.equal(kept.res.headers.get('x-request-id'), 'req-42.abc');
    assert.equal(kept.rpc?.headers.get('x-request-id'), 'req-42.abc');
    for (const bad of ['x'.repeat(129), 'a"b', 'a<script>']) {
      const r = await call('GET', '/v1/shelves/7', { 'x-request-id': bad });
      assert.notEqual(r.res.headers.get('x-request-id'), bad);
      assert.match(r.res.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
    }
  });

  await t.test('a missing token is a 401 with a Bearer challenge, and no call', async () => {
    const { res, text, rpc } = await call('GET', '/v1/shelves/7/books');
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="gateway"');
    assert.equal((JSON.parse(text) as { code: number }).code, 16);
    assert.equal(rpc, undefined);
  });

  await t.test('an invalid, tampered, expired, foreign or non-bearer token is a 401 (invalid_token), and no call', async () => {
    const [h, p, s] = token.split('.') as [string, string, string];
    const tampered = `${h}.${b64url({ ...(JSON.parse(Buffer.from(p, 'base64url').toString()) as object), scope: 'shelves.write' })}.${s}`;
    const expired = await issuer.sign({ audience: 'gateway', expiresIn: -60 });
    const otherAudience = await issuer.sign({ audience: 'catalog' });
    const foreignKey = await issuer.sign({ audience: 'gateway', key: await issuer.newKey('stranger') });
    for (const [what, value, description] of [
      ['garbage', 'not-a-jwt', /malformed/],
      ['tampered', tampered, /signature does not verify/],
      ['expired', expired, /expired/],
      ['for another audience', otherAudience, /not meant for this service/],
      ['signed by an unpublished key', foreignKey, /does not publish/],
    ] as const) {
      const { res, rpc } = await call('GET', '/v1/shelves/7/books', bearer(value));
      assert.equal(res.status, 401, what);
      const challenge = res.headers.get('www-authenticate') ?? '';
      assert.match(challenge, /^Bearer realm="gateway", error="invalid_token", error_description="/, what);
      assert.match(challenge, description, what);
      assert.equal(rpc, undefined, what);
    }
    const basic = await call('GET', '/v1/shelves/7/books', { authorization: 'Basic YW5uOnB3' });
    assert.equal(basic.res.status, 401);
    assert.match(basic.res.headers.get('www-authenticate') ?? '', /error="invalid_request"/);
  });

  await t.test('a valid token without the route’s scope is a 403; with it the call is made, carrying the token', async () => {
    const denied = await call('PUT', '/v1/shelves/7', bearer(token), '{}');
    assert.equal(denied.res.status, 403);
    assert.equal(denied.res.headers.get('www-authenticate'), 'Bearer realm="gateway", error="insufficient_scope", scope="shelves.write"');
    assert.match((JSON.parse(denied.text) as { message: string }).message, /needs the scope shelves\.write; the token has shelves\.read/);
    assert.equal(denied.rpc, undefined);
    const writer = await issuer.sign({ audience: 'gateway', subject: 'bob', claims: { scp: ['shelves.read', 'shelves.write'] } });
    const ok = await call('PUT', '/v1/shelves/7', bearer(writer), '{}');
    assert.equal(ok.res.status, 200, ok.text);
    assert.equal(ok.rpc?.headers.get('authorization'), `Bearer ${writer}`);
  });

  await t.test('over the rate a client gets 429 with Retry-After; another client has its own bucket', async () => {
    for (let i = 0; i < 2; i++) assert.equal((await call('GET', '/v1/shelves/7/books', bearer(token))).res.status, 200);
    const over = await call('GET', '/v1/shelves/7/books', bearer(token));
    assert.equal(over.res.status, 429);
    // 2 an hour: the next token comes in 30 minutes.
    assert.equal(over.res.headers.get('retry-after'), '1800');
    assert.equal((JSON.parse(over.text) as { code: number }).code, 8);
    assert.equal(over.rpc, undefined);
    // The client is the verified subject, not the address both share.
    const other = await issuer.sign({ audience: 'gateway', subject: 'cid' });
    assert.equal((await call('GET', '/v1/shelves/7/books', bearer(other))).res.status, 200);
    // Another route keeps its own limit (none here).
    assert.equal((await call('GET', '/v1/shelves/7', bearer(token))).res.status, 200);
  });

  await t.test('a CORS preflight is answered by the edge: allowances for an allowed origin, none for another', async () => {
    const ok = await call('OPTIONS', '/v1/shelves/7', { origin: APP, 'access-control-request-method': 'PUT', 'access-control-request-headers': 'authorization, content-type' });
    assert.equal(ok.res.status, 204);
    assert.equal(ok.rpc, undefined);
    assert.equal(ok.res.headers.get('access-control-allow-origin'), APP);
    assert.equal(ok.res.headers.get('access-control-allow-methods'), 'GET, PUT');
    assert.equal(ok.res.headers.get('access-control-allow-headers'), 'authorization, content-type, x-request-id, x-tenant');
    assert.equal(ok.res.headers.get('access-control-max-age'), '600');
    const refused = await call('OPTIONS', '/v1/shelves/7', { origin: 'https://evil.example.com', 'access-control-request-method': 'PUT' });
    assert.equal(refused.res.status, 204);
    assert.deepEqual([...refused.res.headers.keys()].filter((k) => k.startsWith('access-control-')), []);
    // The actual request: the origin is named for the allowed one, nothing for another.
    const actual = await call('GET', '/v1/shelves/7', { origin: APP });
    assert.equal(actual.res.headers.get('access-control-allow-origin'), APP);
    assert.match(actual.res.headers.get('access-control-expose-headers') ?? '', /x-request-id/);
    assert.equal(actual.res.headers.get('vary'), 'origin');
    const other = await call('GET', '/v1/shelves/7', { origin: 'https://evil.example.com' });
    assert.equal(other.res.headers.get('access-control-allow-origin'), null);
  });

  await t.test('a body over the limit is a 413, by its Content-Length and when it streams without one', async () => {
    const declared = await call('POST', '/v1/ingest', { 'content-type': 'application/octet-stream' }, 'x'.repeat(65));
    assert.equal(declared.res.status, 413);
    assert.equal(declared.rpc, undefined);
    assert.equal((await call('POST', '/v1/ingest', { 'content-type': 'application/octet-stream' }, 'x'.repeat(64))).res.status, 200);
    // Chunked, 40 bytes at a time: refused at the second chunk, before the rest is sent.
    received.length = 0;
    const { status, sentAfter } = await streamed(`${base}/v1/ingest`, 40, 100);
    assert.equal(status, 413);
    assert.ok(sentAfter < 100, `the client was still sending after the answer (${sentAfter} more chunks)`);
    assert.deepEqual(received, []);
  });

  await t.test('only allow-listed headers reach the service; a forged identity header never does', async () => {
    const { rpc } = await call('GET', '/v1/shelves/7', { 'x-tenant': 'acme', 'x-other': 'no', 'bricks-identity': 'forged.jwt.value', cookie: 'session=1' });
    assert.equal(rpc?.headers.get('x-tenant'), 'acme');
    assert.equal(rpc?.headers.get('x-other'), null);
    assert.equal(rpc?.headers.get('bricks-identity'), null);
    assert.equal(rpc?.headers.get('cookie'), null);
  });

  await t.test('a traceparent makes the route span its child, and the RPC carries the same trace', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const { rpc } = await call('GET', '/v1/shelves/7', { traceparent: `00-${traceId}-00f067aa0ba902b7-01` });
    const sent = rpc?.headers.get('traceparent') ?? '';
    assert.equal(sent.split('-')[1], traceId);
    assert.notEqual(sent.split('-')[2], '00f067aa0ba902b7');
  });

  await t.test('one access-log line per request, with the route, status, id and sizes, and never a token', async () => {
    lines.length = 0;
    await call('PUT', '/v1/shelves/7', { ...bearer(token), 'x-request-id': 'log-1' }, '{}');
    assert.equal(lines.length, 1);
    const line = lines[0]!;
    assert.deepEqual(
      { method: line.method, route: line.route, path: line.path, status: line.status, request_id: line.request_id, bytes_in: line.bytes_in, subject: line.subject },
      { method: 'PUT', route: 'PUT /v1/shelves/{shelf}', path: '/v1/shelves/7', status: 403, request_id: 'log-1', bytes_in: 0, subject: undefined },
    );
    assert.ok(line.bytes_out > 0 && line.duration_ms >= 0);
    await call('GET', '/v1/shelves/7?access_token=secret', bearer(token));
    const all = JSON.stringify(lines);
    assert.ok(!all.includes(token) && !all.includes(token.split('.')[2]!) && !all.includes('secret'), 'a token in the access log');
    assert.equal(lines[1]?.subject, 'ann');
  });

  await t.test('a path no rule matches is a 404 without a token, with the CORS headers and a request id', async () => {
    const { res, rpc } = await call('GET', '/v9/nothing', { origin: APP });
    assert.equal(res.status, 404);
    assert.equal(res.headers.get('access-control-allow-origin'), APP);
    assert.ok(res.headers.get('x-request-id'));
    assert.equal(rpc, undefined);
  });

  await t.test('/metrics has the series of each route', async () => {
    const { res, text } = await call('GET', '/metrics');
    assert.equal(res.status, 200);
    assert.match(text, new RegExp(`${EDGE_REQUESTS}\\{http_route="GET /v1/shelves/\\{shelf\\}",http_request_method="GET",http_response_status_code="200"\\} \\d+`));
    assert.match(text, /bricks_gateway_requests_total\{http_route="GET \/v1\/shelves\/\{shelf\}\/books",http_request_method="GET",http_response_status_code="429"\} 1/);
    assert.match(text, /http_server_request_duration_seconds_bucket\{le="[^"]+",http_route="PUT \/v1\/shelves\/\{shelf\}",http_request_method="PUT",http_response_status_code="403"\}/);
  });
});

/** POSTs `chunks` chunks of `size` bytes without a Content-Length, one per tick, until the answer comes; how many were left unsent. */
function streamed(url: string, size: number, chunks: number): Promise<{ status: number; sentAfter: number }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked' } });
    let left = chunks;
    let answered = false;
    req.on('response', (res) => {
      answered = true;
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, sentAfter: left }));
    });
    // The server may close while chunks are in flight: the answer is what counts.
    req.on('error', (e) => {
      if (!answered) reject(e);
    });
    const next = (): void => {
      if (answered || left === 0) {
        if (!answered) req.end();
        return;
      }
      left--;
      req.write(Buffer.alloc(size, 0x61), () => setImmediate(next));
    };
    next();
  });
}
