// The refusal of a call over the limit on the HTTP path (Connect, gRPC-Web, gRPC with
// compression), written before ConnectRPC reads or decodes the request, in the form each
// protocol's clients read: gRPC and gRPC-Web get a trailers-only response; Connect's unary
// calls its error JSON with HTTP 429 (Connect's mapping of resource_exhausted); Connect's
// streams an end-of-stream message carrying the error.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { codeToGrpc } from '../../errors/index.ts';
import { NOT_STARTED_HEADER } from '../../errors/not-started.ts';
import { REFUSAL_MESSAGE } from './gate.ts';

const CODE = 'resource_exhausted';
const errorJson = JSON.stringify({ code: CODE, message: REFUSAL_MESSAGE });
/** Connect's end-of-stream envelope: flag 0b10, a u32 length, then {"error": …}. */
const endStream = ((): Buffer => {
  const body = Buffer.from(JSON.stringify({ error: { code: CODE, message: REFUSAL_MESSAGE } }));
  const head = Buffer.alloc(5);
  head[0] = 0b10;
  head.writeUInt32BE(body.length, 1);
  return Buffer.concat([head, body]);
})();

export function refuseHttp(req: IncomingMessage | Http2ServerRequest, res: ServerResponse | Http2ServerResponse): void {
  // The body is not wanted, but an HTTP/1.1 connection can be reused only once it is read.
  req.resume();
  const type = String(req.headers['content-type'] ?? '');
  if (type.startsWith('application/grpc')) {
    res.writeHead(200, { 'content-type': type, 'grpc-status': String(codeToGrpc(CODE)), 'grpc-message': encodeURIComponent(REFUSAL_MESSAGE), [NOT_STARTED_HEADER]: '1', 'content-length': '0' });
    res.end();
  } else if (type.startsWith('application/connect+')) {
    res.writeHead(200, { 'content-type': type, [NOT_STARTED_HEADER]: '1', 'content-length': String(endStream.length) });
    res.end(endStream);
  } else {
    res.writeHead(429, { 'content-type': 'application/json', [NOT_STARTED_HEADER]: '1', 'content-length': String(Buffer.byteLength(errorJson)) });
    res.end(errorJson);
  }
}
