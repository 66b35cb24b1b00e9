// The proxy over HTTP/1.1 against real replica servers: per-request balancing on keep-alive
// connections, header handling, streaming, upgrades, retries and the no-endpoint answer.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { test, type TestContext } from 'node:test';
import { ProxyError, startServiceProxy } from './index.ts';
import type { ProxyEvent, ServiceProxy, ServiceProxyOptions } from './index.ts';
import type { StoredSpan } from '../api/contract/index.ts';
import { echoUpgrade, refusingEndpoint, request, sha256, startHttp1Upstream, type Http1Handler, type TestUpstream, waitFor } from './testing/upstreams.ts';

async function proxyFor(t: TestContext, upstreams: readonly TestUpstream[], options: Partial<ServiceProxyOptions> = {}): Promise<{ proxy: ServiceProxy; events: ProxyEvent[] }> {
  const events: ProxyEvent[] = [];
  const proxy = await startServiceProxy({ service: 'catalog', port: 0, onEvent: (e) => events.push(e), ...options });
  t.after(() => proxy.close());
  proxy.setEndpoints(upstreams.map((u) => u.endpoint));
  return { proxy, events };
}

async function upstream(t: TestContext, id: string, handler?: Http1Handler): Promise<TestUpstream> {
  const u = await startHttp1Upstream(id, handler);
  t.after(() => u.close());
  return u;
}

function keepAliveAgent(t: TestContext): http.Agent {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  t.after(() => agent.destroy());
  return agent;
}

test('requests on one keep-alive connection are spread over both replicas', async (t) => {
  const a = await upstream(t, 'a');
  const b = await upstream(t, 'b');
  const { proxy } = await proxyFor(t, [a, b]);
  const agent = keepAliveAgent(t);
  const clientPorts = new Set<number>();
  for (let i = 0; i < 10; i++) {
    const reply = await new Promise<http.IncomingMessage>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port: proxy.port, path: `/games/${i}`, agent }, resolve).on('error', reject);
    });
    clientPorts.add(reply.socket.localPort!);
    reply.resume();
    await new Promise((r) => reply.on('end', r));
  }
  assert.equal(clientPorts.size, 1, 'all requests shared one client connection');
  assert.equal(a.seen.length, 5);
  assert.equal(b.seen.length, 5);
  assert.deepEqual(proxy.stats().served, { a: 5, b: 5 });
  assert.equal(proxy.stats().requests, 10);
});

test('hop-by-hop headers are dropped and forwarding headers added', async (t) => {
  const a = await upstream(t, 'a', (_req, res) => {
    res.writeHead(200, { 'content-length': 2, 'x-kept': 'yes', connection: 'keep-alive, x-upstream-private', 'x-upstream-private': 'no', 'keep-alive': 'timeout=5' });
    res.end('ok');
  });
  const { proxy } = await proxyFor(t, [a]);
  const reply = await request(proxy.port, {
    headers: { connection: 'keep-alive, x-private', 'x-private': 'secret', 'keep-alive': 'timeout=9', 'x-forwarded-for': '10.1.2.3', 'x-app': '1' },
  });
  assert.equal(reply.status, 200);
  const seen = a.seen[0]!.headers;
  assert.equal(seen['x-private'], undefined);
  assert.equal(seen['keep-alive'], undefined);
  assert.equal(seen['x-app'], '1');
  assert.equal(seen['x-forwarded-for'], '10.1.2.3, 127.0.0.1');
  assert.equal(seen.forwarded, 'for=127.0.0.1');
  assert.equal(reply.headers['x-kept'], 'yes');
  assert.equal(reply.headers['x-upstream-private'], undefined);
  assert.equal(reply.headers['keep-alive'], undefined);
});

test('large bodies stream through in both directions', async (t) => {
  const a = await upstream(t, 'a');
  const { proxy } = await proxyFor(t, [a]);
  // 8 MiB: many socket buffers' worth, so back-pressure engages on every hop.
  const payload = randomBytes(8 * 1024 * 1024);
  const sized = await request(proxy.port, { method: 'POST', body: payload, headers: { 'content-length': payload.length } });
  assert.equal(sized.status, 200);
  assert.equal(sized.body.length, payload.length);
  assert.equal(sha256(sized.body), sha256(payload));
  // Chunked upload (no Content-Length), echoed as a chunked response.
  const reply = await new Promise<Buffer>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: proxy.port, method: 'PUT', path: '/blob', agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks)));
    });
    req.on('error', reject);
    for (let off = 0; off < payload.length; off += 100_000) req.write(payload.subarray(off, off + 100_000));
    req.end();
  });
  assert.equal(sha256(reply), sha256(payload));
});

test('Expect: 100-continue passes the interim response through, then the body', async (t) => {
  const a = await upstream(t, 'a');
  const { proxy } = await proxyFor(t, [a]);
  const reply = await new Promise<{ continued: boolean; body: string }>((resolve, reject) => {
    let continued = false;
    const req = http.request({ host: '127.0.0.1', port: proxy.port, method: 'POST', path: '/upload', headers: { expect: '100-continue', 'content-length': 4 }, agent: false });
    req.on('continue', () => {
      continued = true;
      req.end('data');
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ continued, body }));
    });
    req.on('error', reject);
  });
  assert.deepEqual(reply, { continued: true, body: 'data' });
});

test('chunked responses with trailers pass through, written over several ticks', async (t) => {
  const a = await upstream(t, 'a', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', trailer: 'x-checksum' });
    let n = 0;
    const tick = (): void => {
      if (n === 5) {
        res.addTrailers({ 'x-checksum': 'abc' });
        res.end();
        return;
      }
      res.write(`part ${n++};`);
      setImmediate(tick);
    };
    tick();
  });
  const { proxy } = await proxyFor(t, [a]);
  const agent = keepAliveAgent(t);
  for (let i = 0; i < 2; i++) {
    const reply = await request(proxy.port, { agent });
    assert.equal(reply.headers['transfer-encoding'], 'chunked');
    assert.equal(reply.body.toString(), 'part 0;part 1;part 2;part 3;part 4;');
    assert.equal(reply.trailers['x-checksum'], 'abc');
  }
});

test('upgrade requests become a tunnel to one replica', async (t) => {
  const a = await startHttp1Upstream('a', undefined, echoUpgrade);
  t.after(() => a.close());
  const { proxy } = await proxyFor(t, [a]);
  const { socket, head } = await new Promise<{ socket: net.Socket; head: Buffer }>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: proxy.port, path: '/ws', headers: { connection: 'Upgrade', upgrade: 'websocket' }, agent: false });
    req.on('upgrade', (res: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
      assert.equal(res.statusCode, 101);
      resolve({ socket, head });
    });
    req.on('response', () => reject(new Error('expected an upgrade')));
    req.on('error', reject);
    req.end();
  });
  t.after(() => socket.destroy());
  assert.equal(head.length, 0);
  assert.equal(a.seen[0]!.headers.upgrade, 'websocket');
  const echoed = await new Promise<string>((resolve) => {
    let got = '';
    socket.on('data', (c: Buffer) => {
      got += c.toString();
      if (got.length >= 10) resolve(got);
    });
    socket.write('ping-');
    socket.write('pong!');
  });
  assert.equal(echoed, 'ping-pong!');
  assert.equal(proxy.inflight('a'), 1, 'a tunnel counts as in flight while open');
  socket.end();
  assert.equal(await proxy.drained('a', 5000), true);
});

test('a refused connection is retried once on another replica, whatever the method', async (t) => {
  const good = await upstream(t, 'good');
  const dead = await refusingEndpoint('dead');
  const events: ProxyEvent[] = [];
  const proxy = await startServiceProxy({ service: 'catalog', port: 0, onEvent: (e) => events.push(e) });
  t.after(() => proxy.close());
  // The refusing endpoint first: equal load sends the first request there.
  proxy.setEndpoints([dead, good.endpoint]);
  const post = await request(proxy.port, { method: 'POST', body: 'hello', headers: { 'content-length': 5 } });
  assert.equal(post.status, 200);
  assert.equal(post.body.toString(), 'hello');
  assert.equal(proxy.stats().retries, 1);
  const retry = events.find((e) => e.kind === 'retry');
  assert.deepEqual(retry && { from: retry.fromEndpoint, to: retry.toEndpoint, reason: retry.reason }, { from: 'dead', to: 'good', reason: 'upstream-connect' });
  for (let i = 0; i < 4; i++) assert.equal((await request(proxy.port)).status, 200);
  assert.equal(proxy.stats().failures, 0);
});

test('an idempotent GET is retried when the replica dies before answering', async (t) => {
  const dying = await upstream(t, 'dying', (req) => req.socket.destroy());
  const good = await upstream(t, 'good');
  const { proxy, events } = await proxyFor(t, [dying, good]);
  for (let i = 0; i < 4; i++) {
    const reply = await request(proxy.port, { path: `/r${i}` });
    assert.equal(reply.status, 200);
    assert.equal(reply.headers['x-upstream'], 'good');
  }
  assert.ok(dying.seen.length >= 1, 'the dying replica did get requests');
  assert.equal(proxy.stats().retries, dying.seen.length);
  assert.ok(events.some((e) => e.kind === 'retry' && e.reason === 'upstream-closed'));
});

test('a POST that reached a replica is not retried: 502', async (t) => {
  const a = await upstream(t, 'a', (req) => req.socket.destroy());
  const b = await upstream(t, 'b', (req) => req.socket.destroy());
  const { proxy, events } = await proxyFor(t, [a, b]);
  const reply = await request(proxy.port, { method: 'POST', body: 'order', headers: { 'content-length': 5 } });
  assert.equal(reply.status, 502);
  assert.equal(a.seen.length + b.seen.length, 1, 'the request was sent once');
  assert.equal(proxy.stats().retries, 0);
  assert.equal(proxy.stats().failures, 1);
  assert.ok(events.some((e) => e.kind === 'upstream-error' && !e.retried));
});

test('no ready endpoint: 503 naming the service after the wait, or grpc-status 14', async (t) => {
  const { proxy, events } = await proxyFor(t, [], { waitForEndpointMs: 30 });
  const reply = await request(proxy.port, { path: '/games' });
  assert.equal(reply.status, 503);
  assert.equal(reply.headers['content-type'], 'application/json');
  assert.equal((JSON.parse(reply.body.toString()) as { service: string }).service, 'catalog');
  const grpc = await request(proxy.port, { method: 'POST', path: '/catalog.v1.Catalog/List', body: '', headers: { 'content-type': 'application/grpc-web+proto', 'content-length': 0 } });
  assert.equal(grpc.status, 200);
  assert.equal(grpc.headers['grpc-status'], '14');
  assert.equal(proxy.stats().noEndpoint, 2);
  const ev = events.find((e) => e.kind === 'no-endpoint');
  assert.ok(ev !== undefined && ev.waitedMs >= 25);
});

test('a request waits for an endpoint that becomes ready', async (t) => {
  const a = await upstream(t, 'a');
  const { proxy } = await proxyFor(t, [], { waitForEndpointMs: 5000 });
  const pending = request(proxy.port);
  await waitFor('the request to park', () => proxy.stats().requests === 1);
  proxy.setEndpoints([a.endpoint]);
  const reply = await pending;
  assert.equal(reply.status, 200);
  assert.equal(reply.headers['x-upstream'], 'a');
});

test('malformed requests get 400 and the connection closes', async (t) => {
  const a = await upstream(t, 'a');
  const { proxy } = await proxyFor(t, [a]);
  const socket = net.connect(proxy.port, '127.0.0.1');
  t.after(() => socket.destroy());
  socket.write('GET / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n');
  const text = await new Promise<string>((resolve) => {
    let got = '';
    socket.on('data', (c: Buffer) => (got += c.toString()));
    socket.on('end', () => resolve(got));
  });
  assert.match(text, /^HTTP\/1\.1 400 /u);
  assert.equal(a.seen.length, 0);
});

test('pipelined requests are answered in order', async (t) => {
  const a = await upstream(t, 'a');
  const b = await upstream(t, 'b');
  const { proxy } = await proxyFor(t, [a, b]);
  const socket = net.connect(proxy.port, '127.0.0.1');
  t.after(() => socket.destroy());
  socket.write('GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\nGET /3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  const text = await new Promise<string>((resolve) => {
    let got = '';
    socket.on('data', (c: Buffer) => (got += c.toString()));
    socket.on('end', () => resolve(got));
  });
  const urls = [...text.matchAll(/"url":"([^"]+)"/gu)].map((m) => m[1]);
  assert.deepEqual(urls, ['/1', '/2', '/3']);
});

test('a head split across reads and repeated heads are forwarded whole, each with forwarding headers', async (t) => {
  const a = await upstream(t, 'a');
  const { proxy } = await proxyFor(t, [a]);
  const socket = net.connect(proxy.port, '127.0.0.1');
  t.after(() => socket.destroy());
  let got = '';
  socket.on('data', (c: Buffer) => (got += c.toString()));
  const ended = new Promise<void>((resolve) => socket.on('end', resolve));
  // The connection's first bytes are read while the listener tells HTTP/1 from HTTP/2; later
  // reads land in the shared read buffer, which is what this exercises.
  socket.write('GET /first HTTP/1.1\r\nHost: x\r\n\r\n');
  await waitFor('the first response', () => got.includes('"url":"/first"'));
  // The third head is cut mid-line; its rest comes in a later read, after the second answer,
  // so the proxy must have kept its first part out of the buffer the next read lands in.
  socket.write('GET /same HTTP/1.1\r\nHost: x\r\n\r\nGET /same HTTP/1.1\r\nHo');
  await waitFor('the second response', () => got.includes('"url":"/same"'));
  socket.write('st: x\r\n\r\nGET /same HTTP/1.1\r\nHost: x\r\n\r\nGET /last HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  await ended;
  const urls = [...got.matchAll(/"url":"([^"]+)"/gu)].map((m) => m[1]);
  assert.deepEqual(urls, ['/first', '/same', '/same', '/same', '/last']);
  assert.equal(a.seen.length, 5);
  for (const seen of a.seen) {
    assert.equal(seen.headers.host, 'x');
    assert.equal(seen.headers['x-forwarded-for'], '127.0.0.1');
    assert.equal(seen.headers.forwarded, 'for=127.0.0.1');
  }
});

test('a port that is taken fails start-up with bind-failed', async (t) => {
  const first = await startServiceProxy({ service: 'catalog', port: 0 });
  t.after(() => first.close());
  await assert.rejects(startServiceProxy({ service: 'catalog', port: first.port }), (err: unknown) => err instanceof ProxyError && err.code === 'bind-failed');
});

test('a traced request goes on under the proxy span, which the sink gets when it ends; an untraced one is left as it came', async (t) => {
  const a = await upstream(t, 'a');
  const spans: StoredSpan[] = [];
  const { proxy } = await proxyFor(t, [a], { onSpan: (s) => spans.push(s) });
  const caller = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
  const reply = await request(proxy.port, { path: '/games/1', headers: { traceparent: caller, tracestate: 'congo=t61rcWkgMzE' } });
  assert.equal(reply.status, 200);
  const sent = String(a.seen[0]!.headers.traceparent);
  assert.match(sent, /^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
  assert.notEqual(sent, caller, 'the replica sees the proxy span as its parent');
  assert.equal(a.seen[0]!.headers.tracestate, 'congo=t61rcWkgMzE');
  await waitFor('the proxy span', () => spans.length === 1);
  const [span] = spans;
  assert.deepEqual([span?.traceId, span?.parentSpanId, span?.spanId, span?.name, span?.service, span?.replica, span?.status, span?.traceState, span?.attributes['http.response.status_code']], [
    '0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331', sent.slice(36, 52), 'proxy catalog', 'bricks', 'proxy:catalog', 'unset', 'congo=t61rcWkgMzE', 200,
  ]);
  // Not sampled, or no traceparent: passed on unchanged, no span.
  const unsampled = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00';
  await request(proxy.port, { headers: { traceparent: unsampled } });
  await request(proxy.port, {});
  assert.equal(a.seen[1]!.headers.traceparent, unsampled);
  assert.equal(a.seen[2]!.headers.traceparent, undefined);
  assert.equal(spans.length, 1);
});
