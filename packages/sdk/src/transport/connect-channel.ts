// Connect, gRPC and gRPC-Web channels through @connectrpc/connect-node, unary and streaming. Connect and gRPC go
// over HTTP/2 cleartext (one session per endpoint, ours so that close() can end it); gRPC-Web
// over HTTP/1.1, which keeps the replica's HTTP/1.1 path exercised too.
import type { DescMessage, DescMethodStreaming } from '@bufbuild/protobuf';
import type { Transport } from '@connectrpc/connect';
import { createConnectTransport, createGrpcTransport, createGrpcWebTransport, Http2SessionManager } from '@connectrpc/connect-node';
import { abortError } from '../context/deadline.ts';
import { BricksError } from '../errors/index.ts';
import type { Channel, StreamRequest, StreamResult, UnaryRequest, UnaryResult } from './channel.ts';
import { headerRecord, withBricksErrors } from './stream-errors.ts';

export function connectChannel(baseUrl: string, protocol: 'connect' | 'grpc' | 'grpc-web'): Channel {
  let session: Http2SessionManager | undefined;
  let transport: Transport;
  switch (protocol) {
    case 'connect':
      session = new Http2SessionManager(baseUrl);
      transport = createConnectTransport({ baseUrl, httpVersion: '2', sessionManager: session, useBinaryFormat: true });
      break;
    case 'grpc':
      session = new Http2SessionManager(baseUrl);
      transport = createGrpcTransport({ baseUrl, sessionManager: session });
      break;
    case 'grpc-web':
      transport = createGrpcWebTransport({ baseUrl, httpVersion: '1.1', useBinaryFormat: true });
      break;
  }
  return {
    async unary<I extends DescMessage, O extends DescMessage>(req: UnaryRequest<I, O>): Promise<UnaryResult<O>> {
      try {
        const res = await transport.unary(req.method, req.signal, req.timeoutMs, req.headers, req.input);
        const headers: Record<string, string> = {};
        res.header.forEach((v, k) => (headers[k] = v));
        return { output: res.message, headers };
      } catch (e) {
        if (req.signal?.aborted) throw abortError(req.signal);
        throw fromTransport(e);
      }
    },
    async stream(req: StreamRequest): Promise<StreamResult> {
      // HTTP/1.1 sends a request whole before its response starts: no message can answer another.
      if (protocol === 'grpc-web' && req.method.methodKind === 'bidi_streaming') {
        throw new BricksError('unimplemented', `${req.path.slice(1)} is a bidi stream, which gRPC-Web over HTTP/1.1 cannot carry; use fast, connect or grpc`, { unsent: true });
      }
      try {
        const res = await transport.stream(req.method as DescMethodStreaming, req.signal, req.timeoutMs, req.headers, req.input);
        return { headers: headerRecord(res.header), output: withBricksErrors(res.message, req.signal), trailers: () => headerRecord(res.trailer) };
      } catch (e) {
        if (req.signal?.aborted) throw abortError(req.signal);
        throw fromTransport(e);
      }
    },
    close() {
      session?.abort();
    },
  };
}

/**
 * A stream the server refused (HTTP/2 REFUSED_STREAM: a GOAWAY crossed our request, or the
 * server's stream limit) was provably not processed (RFC 9113 §8.7), so it is `unavailable` and
 * unsent: safe to retry elsewhere. connect-node reports it as `internal`.
 */
function fromTransport(e: unknown): BricksError {
  const err = BricksError.from(e);
  for (let c: unknown = e, depth = 0; depth < 5 && typeof c === 'object' && c !== null; depth++, c = (c as { cause?: unknown }).cause) {
    if (/NGHTTP2_REFUSED_STREAM/.test(String((c as { message?: unknown }).message))) {
      return new BricksError('unavailable', err.rawMessage, { cause: e, unsent: true });
    }
  }
  return err;
}
