// Responses the proxy writes itself: no ready endpoint (503), an endpoint that failed (502),
// a request it could not parse (400/431). gRPC callers get HTTP 200 with grpc-status 14
// (UNAVAILABLE) instead, the status gRPC clients treat as "try again elsewhere".
import type { ProxyErrorCode } from './errors.ts';

/** gRPC's UNAVAILABLE (grpc/grpc doc/statuscodes.md). */
export const grpcUnavailable = 14;

/**
 * When no replica became ready in time: a retry hint (seconds), so a caller tries again soon
 * instead of giving up; a replica that is starting (from zero, say) is about that far away.
 */
export const NO_ENDPOINT_RETRY_AFTER_S = 1;

/**
 * On a response to a request that waited for a replica to become ready (a cold start from
 * zero, a restart): how long it waited, as `314ms`.
 */
export const COLD_START_HEADER = 'x-bricks-cold-start';

export function isGrpc(contentType: string): boolean {
  return contentType.startsWith('application/grpc');
}

/** Percent-encodes a grpc-message value as the gRPC HTTP/2 spec asks (printable ASCII but %). */
export function encodeGrpcMessage(message: string): string {
  return message.replace(/[^\x20-\x24\x26-\x7e]/gu, (c) =>
    [...Buffer.from(c, 'utf8')].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join(''),
  );
}

export function errorBody(service: string, code: ProxyErrorCode, message: string): string {
  return JSON.stringify({ error: code, service, message });
}

const reasons: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  431: 'Request Header Fields Too Large',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

export interface Http1ErrorReply {
  readonly status: number;
  readonly service: string;
  readonly code: ProxyErrorCode;
  readonly message: string;
  /** The request's content type; a gRPC one gets a grpc-status reply. */
  readonly contentType: string;
  readonly method: string;
  /** Adds `connection: close` (true) or keeps an HTTP/1.0 client alive (`keep-alive`). */
  readonly connection: 'close' | 'keep-alive' | 'default';
  /** A `retry-after` header (seconds); gRPC callers get the same as `grpc-retry-pushback-ms`. */
  readonly retryAfterS?: number;
}

/** A complete HTTP/1.1 error response, head and body. */
export function http1ErrorReply(r: Http1ErrorReply): string {
  let head: string;
  let body = '';
  if (isGrpc(r.contentType)) {
    head = `HTTP/1.1 200 OK\r\ncontent-type: ${r.contentType}\r\ngrpc-status: ${grpcUnavailable}\r\ngrpc-message: ${encodeGrpcMessage(r.message)}\r\ncontent-length: 0\r\n`;
    if (r.retryAfterS !== undefined) head += `grpc-retry-pushback-ms: ${r.retryAfterS * 1000}\r\n`;
  } else {
    body = errorBody(r.service, r.code, r.message);
    head = `HTTP/1.1 ${r.status} ${reasons[r.status] ?? 'Error'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n`;
    if (r.retryAfterS !== undefined) head += `retry-after: ${r.retryAfterS}\r\n`;
    if (r.method === 'HEAD') body = '';
  }
  if (r.connection === 'close') head += 'connection: close\r\n';
  else if (r.connection === 'keep-alive') head += 'connection: keep-alive\r\n';
  return `${head}\r\n${body}`;
}
