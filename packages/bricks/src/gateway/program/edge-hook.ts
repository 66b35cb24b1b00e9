// Where the edge policies (gateway/edge/) wrap the gateway: the program hands the parsed
// x-bricks.gateway policies to edgeHandler and serves what it returns. Until the edge lands this
// is the plain listener, and the policies stay opaque (the edge's schema checks them).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AUTHORIZATION_HEADER } from '@bricks/sdk';
import type { Gateway } from '../gateway.ts';
import { nodeHandler } from '../http-listener.ts';

export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Only the caller's own credential goes on to the services, which verify it themselves; nothing
 * else a client sends reaches them as metadata (the edge's header allow-list will widen this).
 */
export function callerCredential(req: IncomingMessage): Readonly<Record<string, string>> | undefined {
  const authorization = req.headers[AUTHORIZATION_HEADER];
  return typeof authorization === 'string' ? { [AUTHORIZATION_HEADER]: authorization } : undefined;
}

/** `policies` is x-bricks.gateway.policies as written (or undefined); the edge will validate and apply it. */
export function edgeHandler(gateway: Gateway, policies: unknown): RequestListener {
  void policies;
  return nodeHandler(gateway, { metadataOf: callerCredential });
}
