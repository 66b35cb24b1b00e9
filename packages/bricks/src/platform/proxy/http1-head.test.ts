// Head parsing: framing, keep-alive, hop-by-hop removal and forwarding headers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clientAddress, parseRequestHead, parseResponseHead } from './http1-head.ts';

const client = clientAddress('::ffff:127.0.0.1');

function head(lines: string[]): string {
  return lines.join('\r\n');
}

test('hop-by-hop headers, and those Connection names, are not forwarded', () => {
  const req = parseRequestHead(
    head(['GET /a?b=1 HTTP/1.1', 'Host: x', 'Connection: keep-alive, X-Secret', 'Keep-Alive: timeout=5', 'X-Secret: 1', 'TE: gzip', 'Proxy-Authorization: Basic abc', 'Accept: */*']),
    client,
  );
  assert.equal(req.method, 'GET');
  assert.equal(req.target, '/a?b=1');
  assert.equal(req.keepAlive, true);
  assert.equal(req.framing.kind, 'none');
  const sent = req.forwardHead.toLowerCase();
  for (const gone of ['connection:', 'keep-alive:', 'x-secret:', 'te:', 'proxy-authorization:']) assert.ok(!sent.includes(gone), gone);
  assert.ok(req.forwardHead.startsWith('GET /a?b=1 HTTP/1.1\r\nHost: x\r\n'));
  assert.ok(req.forwardHead.includes('Accept: */*\r\n'));
  assert.ok(req.forwardHead.endsWith('x-forwarded-for: 127.0.0.1\r\nforwarded: for=127.0.0.1\r\n\r\n'));
});

test('forwarding headers append to what earlier proxies wrote', () => {
  const req = parseRequestHead(head(['GET / HTTP/1.1', 'X-Forwarded-For: 10.0.0.1', 'Forwarded: for=10.0.0.1']), clientAddress('::1'));
  assert.ok(req.forwardHead.includes('x-forwarded-for: 10.0.0.1, ::1\r\n'));
  assert.ok(req.forwardHead.includes('forwarded: for=10.0.0.1, for="[::1]"\r\n'));
});

test('TE: trailers survives (gRPC over HTTP/1.1 needs it)', () => {
  const req = parseRequestHead(head(['POST /x HTTP/1.1', 'TE: trailers', 'Content-Length: 3']), client);
  assert.ok(req.forwardHead.includes('te: trailers\r\n'));
  assert.deepEqual(req.framing, { kind: 'length', length: 3 });
});

test('request framing: chunked, length, and ambiguous ones refused', () => {
  assert.equal(parseRequestHead(head(['POST / HTTP/1.1', 'Transfer-Encoding: chunked']), client).framing.kind, 'chunked');
  assert.throws(() => parseRequestHead(head(['POST / HTTP/1.1', 'Transfer-Encoding: chunked', 'Content-Length: 3']), client), /bad-request/u);
  assert.throws(() => parseRequestHead(head(['POST / HTTP/1.1', 'Content-Length: 3', 'Content-Length: 4']), client), /bad-request/u);
  assert.throws(() => parseRequestHead(head(['POST / HTTP/1.1', 'Transfer-Encoding: gzip']), client), /bad-request/u);
  assert.throws(() => parseRequestHead(head(['POST / HTTP/1.1', 'Content-Length: -1']), client), /bad-request/u);
  for (const bad of ['', '1 2', '0x10', '1,', '9999999999999999']) {
    assert.throws(() => parseRequestHead(head(['POST / HTTP/1.1', `Content-Length: ${bad}`]), client), /bad-request/u, bad);
  }
  assert.deepEqual(parseRequestHead(head(['POST / HTTP/1.1', 'Content-Length:  7 , 7']), client).framing, { kind: 'length', length: 7 });
});

test('malformed heads are refused', () => {
  for (const bad of ['GET / HTTP/1.1\nHost: x', 'GET / HTTP/1.1\r\nHost : x', 'GET / HTTP/1.1\r\n folded', 'GET /\r\nHost: x', 'GET / HTTP/2.0', 'GET / HTTP/1.1\r\nNoColon']) {
    assert.throws(() => parseRequestHead(bad, client), /bad-request/u, JSON.stringify(bad));
  }
});

test('upgrade requests keep Connection: upgrade and Upgrade', () => {
  const req = parseRequestHead(head(['GET /ws HTTP/1.1', 'Connection: Upgrade', 'Upgrade: websocket', 'Sec-WebSocket-Key: k']), client);
  assert.equal(req.upgrade, 'websocket');
  assert.ok(req.forwardHead.includes('connection: upgrade\r\nupgrade: websocket\r\n'));
  const plain = parseRequestHead(head(['GET / HTTP/1.1', 'Upgrade: websocket']), client);
  assert.equal(plain.upgrade, '', 'Upgrade without Connection: upgrade is not an upgrade');
});

test('HTTP/1.0 closes unless it asks for keep-alive; upstream is asked to keep it', () => {
  assert.equal(parseRequestHead('GET / HTTP/1.0', client).keepAlive, false);
  const ka = parseRequestHead(head(['GET / HTTP/1.0', 'Connection: keep-alive']), client);
  assert.equal(ka.keepAlive, true);
  assert.ok(ka.forwardHead.includes('connection: keep-alive\r\n'));
  assert.equal(parseRequestHead(head(['GET / HTTP/1.1', 'Connection: close']), client).keepAlive, false);
});

test('response framing follows RFC 9112 §6.3', () => {
  const ok = (lines: string[], method = 'GET') => parseResponseHead(head(lines), method);
  assert.deepEqual(ok(['HTTP/1.1 200 OK', 'Content-Length: 5']).framing, { kind: 'length', length: 5 });
  assert.equal(ok(['HTTP/1.1 200 OK', 'Transfer-Encoding: chunked']).framing.kind, 'chunked');
  assert.equal(ok(['HTTP/1.1 200 OK', 'Content-Length: 5'], 'HEAD').framing.kind, 'none');
  assert.equal(ok(['HTTP/1.1 204 No Content']).framing.kind, 'none');
  assert.equal(ok(['HTTP/1.1 304 Not Modified', 'Content-Length: 9']).framing.kind, 'none');
  const unframed = ok(['HTTP/1.1 200 OK']);
  assert.equal(unframed.framing.kind, 'until-close');
  assert.equal(unframed.keepAlive, false);
});

test('response hop-by-hop headers go; keep-alive is read from version and Connection', () => {
  const res = parseResponseHead(head(['HTTP/1.1 200 OK', 'Connection: keep-alive', 'Keep-Alive: timeout=5', 'Content-Length: 0', 'Date: x']), 'GET');
  assert.equal(res.status, 200);
  assert.equal(res.keepAlive, true);
  assert.equal(res.forwardHead, 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\nDate: x\r\n');
  assert.equal(parseResponseHead(head(['HTTP/1.1 200 OK', 'Connection: close', 'Content-Length: 0']), 'GET').keepAlive, false);
  assert.equal(parseResponseHead(head(['HTTP/1.0 200 OK', 'Content-Length: 0']), 'GET').keepAlive, false);
  assert.throws(() => parseResponseHead('HTTP/1.1 2x0 OK', 'GET'), /upstream-protocol/u);
  assert.throws(() => parseResponseHead('SIP/2.0 200 OK', 'GET'), /upstream-protocol/u);
});

test('header names and Connection tokens match in any case, with any spacing', () => {
  const req = parseRequestHead(
    head(['POST /x HTTP/1.1', 'CONNECTION:  Keep-Alive ,X-Drop,,  UPGRADE ', 'upgrade: h2c', 'content-LENGTH: 2', 'Te: TRAILERS', 'x-drop: 1', 'X-Keep: 1']),
    client,
  );
  assert.equal(req.keepAlive, true);
  assert.equal(req.upgrade, 'h2c');
  assert.deepEqual(req.framing, { kind: 'length', length: 2 });
  assert.ok(req.forwardHead.includes('te: trailers\r\n'));
  assert.ok(req.forwardHead.includes('X-Keep: 1\r\n'));
  assert.ok(!req.forwardHead.toLowerCase().includes('x-drop'));
  assert.equal(parseRequestHead(head(['GET / HTTP/1.1', 'Connection: keep-alive, CLOSE']), client).keepAlive, false, 'close wins');

  const res = parseResponseHead(head(['HTTP/1.1 200 OK', 'CONTENT-length: 3', 'Connection: Keep-Alive, X-Hop', 'X-Hop: 1', 'X-End: 1']), 'GET');
  assert.deepEqual(res.framing, { kind: 'length', length: 3 });
  assert.equal(res.keepAlive, true);
  assert.equal(res.forwardHead, 'HTTP/1.1 200 OK\r\nCONTENT-length: 3\r\nX-End: 1\r\n');
});

test('status codes are exactly three digits', () => {
  assert.equal(parseResponseHead('HTTP/1.1 404', 'GET').status, 404);
  assert.equal(parseResponseHead('HTTP/1.1 103 Early Hints', 'GET').status, 103);
  for (const bad of ['HTTP/1.1 1e2 X', 'HTTP/1.1 099 X', 'HTTP/1.1 20 OK', 'HTTP/1.1 2000 OK']) {
    assert.throws(() => parseResponseHead(bad, 'GET'), /upstream-protocol/u, bad);
  }
});
