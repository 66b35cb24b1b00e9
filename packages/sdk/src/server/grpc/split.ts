// One HTTP/2 server for gRPC and everything else: plain gRPC streams go to the direct path
// (calls.ts), all others (Connect, gRPC-Web, gRPC with compression or JSON, health and metrics
// GETs) to node's compat layer and so to ConnectRPC. Node's compat layer is itself a 'stream'
// listener on the server; it is taken off and called for the streams that are not ours. Should
// a Node version stop working that way, nothing is split and ConnectRPC serves all of it.
import type { Http2Server, IncomingHttpHeaders, ServerHttp2Stream } from 'node:http2';
import { isPlainGrpc, ENCODING } from './wire.ts';

type StreamListener = (stream: ServerHttp2Stream, headers: IncomingHttpHeaders, flags: number, rawHeaders: string[]) => void;

/** Returns whether gRPC now takes the direct path. */
export function splitGrpc(server: Http2Server, grpc: (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => void): boolean {
  const compat = server.listeners('stream') as StreamListener[];
  if (compat.length !== 1) return false;
  const rest = compat[0]!;
  server.removeListener('stream', rest);
  server.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders, flags: number, rawHeaders: string[]) => {
    if (headers[':method'] === 'POST' && isPlainGrpc(headers['content-type'], headers[ENCODING])) grpc(stream, headers);
    else rest.call(server, stream, headers, flags, rawHeaders);
  });
  return true;
}
