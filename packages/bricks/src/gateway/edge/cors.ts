// CORS (the Fetch standard's protocol) as headers: a preflight's answer and an actual response's
// headers for an origin the route allows; none at all for one it does not (the browser then
// refuses the response to the page; the edge does not refuse the request itself, as a non-browser
// client sends no Origin and CORS is no access control).
import type { CorsPolicy } from './route-policy.ts';

/** Whether `origin` may read this route's answers. */
export function allowedOrigin(policy: CorsPolicy | null, origin: string | undefined): policy is CorsPolicy {
  if (policy === null || origin === undefined) return false;
  return policy.origins === null || policy.origins.has(origin);
}

/** The answer's headers for an actual request from `origin`. */
export function corsHeaders(policy: CorsPolicy | null, origin: string | undefined): Record<string, string> {
  // Vary whenever the answer depends on Origin, so that a cache never hands one origin's answer to another.
  const vary: Record<string, string> = policy !== null && policy.origins !== null ? { vary: 'origin' } : {};
  if (!allowedOrigin(policy, origin)) return vary;
  return {
    ...vary,
    // "*" only where credentials are off: a credentialed answer must name the origin.
    'access-control-allow-origin': policy.origins === null && !policy.credentials ? '*' : origin!,
    ...(policy.credentials ? { 'access-control-allow-credentials': 'true' } : {}),
    ...(policy.expose.length > 0 ? { 'access-control-expose-headers': policy.expose.join(', ') } : {}),
  };
}

/** A preflight's headers (answered 204 either way): the allowances, or only Vary for an origin that is not allowed. */
export function preflightHeaders(policy: CorsPolicy | null, origin: string | undefined): Record<string, string> {
  const vary = { vary: 'origin, access-control-request-method, access-control-request-headers' };
  if (!allowedOrigin(policy, origin)) return vary;
  return {
    ...vary,
    'access-control-allow-origin': policy.origins === null && !policy.credentials ? '*' : origin!,
    ...(policy.credentials ? { 'access-control-allow-credentials': 'true' } : {}),
    'access-control-allow-methods': policy.methods.join(', '),
    ...(policy.headers.length > 0 ? { 'access-control-allow-headers': policy.headers.join(', ') } : {}),
    'access-control-max-age': String(policy.maxAgeSeconds),
  };
}
