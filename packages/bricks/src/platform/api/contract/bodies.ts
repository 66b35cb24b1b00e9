// The request bodies of the POST routes, each with the schema that checks it. Only the routes
// load this module at run time; the client imports the types alone, so the CLI does not load zod.
import { z } from 'zod';
import { ApiError } from '../errors.ts';
import type { RequestOf, RouteName } from './api.ts';

const scaleBody = z.object({
  service: z.string({ error: 'service must be a service name' }),
  replicas: z
    .number({ error: (issue) => `replicas must be a whole number ≥ 0, got ${JSON.stringify(issue.input)}` })
    .int({ error: (issue) => `replicas must be a whole number ≥ 0, got ${JSON.stringify(issue.input)}` })
    .min(0, { error: (issue) => `replicas must be a whole number ≥ 0, got ${JSON.stringify(issue.input)}` }),
});
export type ScaleRequest = z.output<typeof scaleBody>;

const restartBody = z.object({ service: z.string({ error: 'service must be a service name' }) });
export type RestartRequest = z.output<typeof restartBody>;

const rollbackBody = z.object({
  /** A SHA (prefix) or -N; absent: DEFAULT_ROLLBACK_REF. */
  ref: z.string({ error: 'ref must be a SHA (prefix) or -N' }).optional(),
});
export type RollbackRequest = z.output<typeof rollbackBody>;

const SCHEMAS = { scale: scaleBody, restart: restartBody, rollback: rollbackBody } satisfies { readonly [K in RouteName]?: z.ZodType<RequestOf<K>> };

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
