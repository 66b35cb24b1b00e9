// Request bodies and query parameters, checked with zod; what fails is an `invalid_argument`
// BricksError, which the server turns into a 400 like any RPC's.
import { BricksError } from '@bricks/sdk';
import type { z } from 'zod';

export function parseJson<S extends z.ZodType>(schema: S, body: Uint8Array): z.output<S> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(body).toString('utf8') || 'null');
  } catch (err) {
    throw new BricksError('invalid_argument', 'the body is not JSON', { cause: err });
  }
  return check(schema, value, 'body');
}

export function parseQuery<S extends z.ZodType>(schema: S, query: URLSearchParams): z.output<S> {
  return check(schema, Object.fromEntries(query), 'query');
}

function check<S extends z.ZodType>(schema: S, value: unknown, where: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : where}: ${i.message}`);
  throw new BricksError('invalid_argument', problems.join('; '), { cause: result.error });
}
