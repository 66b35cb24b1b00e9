// The proxy over h2c (prior knowledge, as gRPC clients connect): calls on one client session
// are balanced per stream, trailers come back, and failures become grpc-status 14.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import http2 from 'node:http2';
import { test, type TestContext } from 'node:test';
import { startServiceProxy, type ServiceProxy, type ServiceProxyOptions } from './index.ts';
import type { StoredSpan } from '../api/contract/index.ts';
import { refusingEndpoint, sha256, startH2cUpstream, waitFor, type TestUpstream } from './testing/upstreams.ts';

interface Call {
  readonly headers: http2.IncomingHttpHeaders;
  readonly trailers: http2.IncomingHttpHeaders;
  readonly body: Buffer;
}

function connect(t: TestContext, port: number): http2.ClientHttp2Session {
  const session = http2.connect(`http://127.0.0.1:${port}`);
  session.on('error', () => {});
  t.after(() => session.destroy());
  return session;
}

/** A gRPC-shaped call: POST, application/grpc, a body, TE: trailers. */
function call(session: http2.ClientHttp2Session, path: string, body: Buffer | string, extra: http2.OutgoingHttpHeaders = {}): Promise<Call> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers', ...extra });
    let headers: http2.IncomingHttpHeaders = {};
    let trailers: http2.IncomingHttpHeaders = {};
    const chunks: Buffer[] = [];
    stream.on('response', (h: http2.IncomingHttpHeaders) => (headers = h));
    stream.on('trailers', (tr: http2.IncomingHttpHeaders) => (trailers = tr));
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve({ headers, trailers, body: Buffer.concat(chunks) }));
    stream.on('error', reject);
    stream.end(body);
  });
}

async function proxyFor(t: TestContext, upstreams: readonly TestUpstream[], options: Partial<ServiceProxyOptions> = {}): Promise<ServiceProxy> {
  const proxy = await startServiceProxy({ service: 'scores', port: 0, ...options });
  t.after(() => proxy.close());
  proxy.setEndpoints(upstreams.map((u) => u.endpoint));
  return proxy;
}

async function upstream(t: TestContext, id: string): Promise<TestUpstream> {
  const u = await startH2cUpstream(id);
  t.after(() => u.close());
  return u;
}

test('calls on one h2c session are spread over replicas per stream, trailers included', async (t) => {
  const a = await upstream(t, 'a');
  const b = await upstream(t, 'b');
  const proxy = await proxyFor(t, [a, b]);
  const session = connect(t, proxy.port);
  const results: Call[] = [];
  for (let i = 0; i < 10; i++) results.push(await call(session, '/scores.v1.Scores/Submit', `score-${i}`));
  results.forEach((r, i) => {
    assert.equal(r.headers[':status'], 200);
    assert.equal(r.body.toString(), `score-${i}`);
    assert.equal(r.trailers['grpc-status'], '0');
    assert.equal(r.trailers['x-upstream'], r.headers['x-upstream']);
  });
  assert.equal(a.seen.length, 5);
  assert.equal(b.seen.length, 5);
  assert.equal(a.seen[0]!.headers['x-forwarded-for'], '127.0.0.1');
  assert.equal(a.seen[0]!.headers.te, 'trailers');
  // Concurrent calls on the same session spread too.
  const concurrent = await Promise.all(Array.from({ length: 8 }, (_, i) => call(session, '/scores.v1.Scores/Top', `c${i}`)));
  const by = new Set(concurrent.map((c) => c.headers['x-upstream']));
  assert.deepEqual([...by].sort(), ['a', 'b']);
  assert.equal(await proxy.drained('a', 5000), true);
  assert.equal(proxy.inflight('b'), 0);
});

test('no ready endpoint: a trailers-only grpc-status 14 reply', async (t) => {
  const proxy = await proxyFor(t, [], { waitForEndpointMs: 30 });
  const session = connect(t, proxy.port);
  const reply = await call(session, '/scores.v1.Scores/Submit', 'x');
  assert.equal(reply.headers[':status'], 200);
  assert.equal(reply.headers['grpc-status'], '14');
  assert.match(String(reply.headers['grpc-message']), /scores/u);
  assert.equal(proxy.stats().noEndpoint, 1);
});

test('a refused connection is retried on another replica, body intact', async (t) => {
  const good = await upstream(t, 'good');
  const dead = await refusingEndpoint('dead');
  const proxy = await startServiceProxy({ service: 'scores', port: 0 });
  t.after(() => proxy.close());
  proxy.setEndpoints([dead, good.endpoint]);
  const session = connect(t, proxy.port);
  const reply = await call(session, '/scores.v1.Scores/Submit', 'payload');
  assert.equal(reply.body.toString(), 'payload');
  assert.equal(reply.trailers['grpc-status'], '0');
  assert.equal(proxy.stats().retries, 1);
});

test('a replica that resets a call before answering: grpc-status 14, a POST is not retried', async (t) => {
  const broken = await startH2cUpstream('broken', (stream) => stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR));
  t.after(() => broken.close());
  const proxy = await proxyFor(t, [broken]);
  const session = connect(t, proxy.port);
  const reply = await call(session, '/scores.v1.Scores/Submit', 'x');
  assert.equal(reply.headers['grpc-status'], '14', 'the proxy answers UNAVAILABLE');
  assert.equal(broken.seen.length, 1, 'sent once');
  assert.equal(proxy.stats().retries, 0);
});

test('a large call body streams both ways through one session', async (t) => {
  const a = await upstream(t, 'a');
  const proxy = await proxyFor(t, [a]);
  const session = connect(t, proxy.port);
  // 4 MiB: 64 times HTTP/2's default 64 KiB window, so flow control paces every hop.
  const payload = randomBytes(4 * 1024 * 1024);
  const reply = await call(session, '/blobs.v1.Blobs/Echo', payload);
  assert.equal(sha256(reply.body), sha256(payload));
  assert.equal(reply.trailers['grpc-status'], '0');
});

test('the session to a removed endpoint closes once its calls finish', async (t) => {
  const a = await upstream(t, 'a');
  const b = await upstream(t, 'b');
  const proxy = await proxyFor(t, [a, b]);
  const session = connect(t, proxy.port);
  await call(session, '/x', '1');
  await call(session, '/x', '2');
  assert.equal(a.openConnections(), 1);
  proxy.setEndpoints([b.endpoint]);
  await waitFor('the session to a to close', () => a.openConnections() === 0);
  const after = await call(session, '/x', '3');
  assert.equal(after.headers['x-upstream'], 'b');
});

test('an h2 GET (no body) reset by its replica is retried on another', async (t) => {
  const broken = await startH2cUpstream('broken', (stream) => stream.close(http2.constants.NGHTTP2_INTERNAL_ERROR));
  t.after(() => broken.close());
  const good = await upstream(t, 'good');
  const proxy = await proxyFor(t, [broken, good]);
  const session = connect(t, proxy.port);
  const status = await new Promise<unknown>((resolve, reject) => {
    const stream = session.request({ ':method': 'GET', ':path': '/scores' });
    let code: unknown;
    stream.on('response', (h: http2.IncomingHttpHeaders) => (code = h[':status']));
    stream.on('end', () => resolve(code));
    stream.on('error', reject);
    stream.resume();
  });
  assert.equal(status, 200);
  assert.equal(broken.seen.length, 1);
  assert.equal(good.seen.length, 1);
  assert.equal(proxy.stats().retries, 1);
});

test('a traced gRPC call goes on under the proxy span; its grpc-status is the span status', async (t) => {
  const a = await upstream(t, 'a');
  const spans: StoredSpan[] = [];
  const proxy = await proxyFor(t, [a], { onSpan: (s) => spans.push(s) });
  const session = connect(t, proxy.port);
  const r = await call(session, '/scores.v1.Scores/Submit', 'x', { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });
  assert.equal(r.headers[':status'], 200);
  const sent = String(a.seen[0]!.headers.traceparent);
  assert.match(sent, /^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
  await waitFor('the proxy span', () => spans.length === 1);
  assert.deepEqual([spans[0]?.parentSpanId, spans[0]?.spanId, spans[0]?.name, spans[0]?.attributes['network.protocol.name'], spans[0]?.attributes['rpc.grpc.status_code']], ['b7ad6b7169203331', sent.slice(36, 52), 'proxy scores', 'h2c', 0]);
});
