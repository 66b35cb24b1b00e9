// Checks a POST route's body against its schema (bodies.ts), so a handler gets its RequestOf.
import type { z } from 'zod';
import { ApiError } from '../errors.ts';
import type { RequestOf, RouteName } from './api.ts';
import { otlpBody, restartBody, rollbackBody, scaleBody, tokenBody } from './bodies.ts';

const SCHEMAS = { scale: scaleBody, restart: restartBody, rollback: rollbackBody, identityToken: tokenBody, otlpTraces: otlpBody } satisfies { readonly [K in RouteName]?: z.ZodType<RequestOf<K>> };

/**
 * The body of a route that takes one, checked against its schema (so it is that route's
 * RequestOf); a `bad-request` ApiError says what is wrong.
 */
export function parseBody(route: keyof typeof SCHEMAS, body: unknown): unknown {
  const result = SCHEMAS[route].safeParse(body);
  if (!result.success) throw new ApiError('bad-request', result.error.issues[0]?.message ?? `bad ${route} request`);
  return result.data;
}

export function takesBody(route: RouteName): route is keyof typeof SCHEMAS {
  return route in SCHEMAS;
}
