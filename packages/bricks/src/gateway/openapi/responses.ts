// The error responses every operation shares: the google.rpc.Status body the gateway answers
// with (response.ts), under the HTTP status of its code (status.ts), or 400 when the request
// cannot be read into the RPC's request message, 404 when no route matches.
// No runtime import of @bricks/sdk: `bricks gen --openapi` runs this inside the CLI, whose
// bundle takes only the SDK's small contract modules (bin/source-stamp.js).
import { httpStatusTable } from '../status.ts';
import { SCHEMA_REF_PREFIX } from './schemas.ts';
import type { Response, Schema } from './types.ts';

export const STATUS_SCHEMA = 'google.rpc.Status';

export const statusSchema: Schema = {
  type: 'object',
  description: 'An error: the gRPC status code, a message for developers, and details (empty from the bricks gateway).',
  properties: {
    code: { type: 'integer', format: 'int32', description: 'The google.rpc.Code number, for example 5 for NOT_FOUND.' },
    message: { type: 'string' },
    details: { type: 'array', items: { type: 'object', properties: { '@type': { type: 'string' } }, required: ['@type'], additionalProperties: true } },
  },
  required: ['code', 'message', 'details'],
};

const json = { 'application/json': { schema: { $ref: `${SCHEMA_REF_PREFIX}${STATUS_SCHEMA}` } } } as const;

/** Names in components/responses. */
export const RESPONSE = { badRequest: 'BadRequest', notFound: 'NotFound', methodNotAllowed: 'MethodNotAllowed', error: 'Error' } as const;

export function errorResponses(): Record<string, Response> {
  const table = httpStatusTable().map(([code, status]) => `${status} ${code}`).join(', ');
  return {
    [RESPONSE.badRequest]: { description: 'The request cannot be read into the RPC request: a bad path value, query parameter or body (code 3, INVALID_ARGUMENT); or the RPC answered with invalid_argument, failed_precondition or out_of_range.', content: json },
    [RESPONSE.notFound]: { description: 'No route matches the path (code 5), or the RPC answered not_found.', content: json },
    [RESPONSE.methodNotAllowed]: {
      description: 'The path has routes, but not for this method (code 12); Allow lists those it has.',
      headers: { Allow: { description: 'The methods the path takes.', schema: { type: 'string' } } },
      content: json,
    },
    [RESPONSE.error]: { description: `The RPC failed: the HTTP status of its code, as status and code: ${table}.`, content: json },
  };
}
