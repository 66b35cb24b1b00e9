// Users' bearer tokens at the edge, checked with the SDK's own verifier (the same jose checks,
// discovery, key rotation and cache as every SDK server): a route that needs a token refuses a
// missing or bad one with 401 and a WWW-Authenticate challenge (RFC 6750 §3), and a good one
// without the route's scopes with 403. The token itself is never in a message or a log line.
import {
  bearerToken, DEFAULT_ALGORITHMS, DEFAULT_CLOCK_SKEW_MS, discoveredKeys, IDENTITY_TOKEN_TYPE, IssuerUnreachable, TokenRejected, TokenVerifier, type KeySource,
} from '@bricks/sdk';
import type { JWTPayload } from 'jose';
import type { EdgePolicies } from './config.ts';
import type { RouteAuth } from './route-policy.ts';

export type AuthOutcome =
  /** No token, on a public route. */
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'user'; readonly subject: string; readonly token: string }
  | { readonly kind: 'refused'; readonly status: 401 | 403 | 503; readonly message: string; readonly challenge: string | null };

export interface Authenticate {
  (authorization: string | undefined, auth: RouteAuth): AuthOutcome | Promise<AuthOutcome>;
}

/** The realm of the challenges: what a client is talking to. */
const REALM = 'gateway';

/** Undefined when the policies name no issuer: then no route needs a token, and a token sent is passed on unread. */
export function authenticator(policies: EdgePolicies, opts: { readonly keys?: KeySource; readonly now?: () => number } = {}): Authenticate | undefined {
  const a = policies.auth;
  if (a === undefined) return undefined;
  const verifier = new TokenVerifier({
    issuer: a.issuer,
    audience: typeof a.audience === 'string' ? [a.audience] : a.audience,
    algorithms: a.algorithms ?? DEFAULT_ALGORITHMS,
    clockSkewMs: a.clockSkew ?? DEFAULT_CLOCK_SKEW_MS,
    keys: opts.keys ?? discoveredKeys(a.issuer, opts.now === undefined ? {} : { now: opts.now }),
    // A service's platform identity token is never a user's.
    refusedType: IDENTITY_TOKEN_TYPE,
    ...(opts.now === undefined ? {} : { now: opts.now }),
  });
  const decide = (payload: JWTPayload, token: string, auth: RouteAuth): AuthOutcome => {
    if (auth.kind === 'required' && auth.scopes.length > 0) {
      const have = scopesOf(payload);
      const missing = auth.scopes.filter((s) => !have.includes(s));
      if (missing.length > 0) {
        return refused(403, `this route needs the scope ${missing.join(' ')}; the token has ${have.length === 0 ? 'none' : have.join(' ')}`, 'insufficient_scope', undefined, auth.scopes.join(' '));
      }
    }
    return { kind: 'user', subject: payload.sub ?? '', token };
  };
  const failed = (e: unknown): AuthOutcome => {
    if (e instanceof TokenRejected) return refused(401, `the bearer token is refused: ${e.message}`, 'invalid_token', e.message);
    if (e instanceof IssuerUnreachable) return { kind: 'refused', status: 503, message: `cannot verify the bearer token now: ${e.message}`, challenge: null };
    throw e;
  };
  return (authorization, auth) => {
    const token = bearerToken(authorization);
    if (token === null) return refused(401, 'the Authorization header is not a bearer token; send "Authorization: Bearer <token>"', 'invalid_request', 'not a bearer token');
    if (token === undefined) {
      return auth.kind === 'public' ? { kind: 'anonymous' } : refused(401, `this route needs a bearer token (Authorization: Bearer <token>) from ${a.issuer}`);
    }
    let r: JWTPayload | Promise<JWTPayload>;
    try {
      r = verifier.verify(token);
    } catch (e) {
      return failed(e);
    }
    return r instanceof Promise ? r.then((p) => decide(p, token, auth), failed) : decide(r, token, auth);
  };
}

function refused(status: 401 | 403, message: string, error?: string, description?: string, scope?: string): AuthOutcome {
  const params = [`realm="${REALM}"`];
  if (error !== undefined) params.push(`error="${error}"`);
  if (description !== undefined) params.push(`error_description="${description.replace(/["\\]/g, '')}"`);
  if (scope !== undefined) params.push(`scope="${scope}"`);
  return { kind: 'refused', status, message, challenge: `Bearer ${params.join(', ')}` };
}

/** `scope` (space-separated, RFC 8693) or `scp` (a list or a string), as the SDK's servers read them. */
function scopesOf(p: JWTPayload): string[] {
  const { scope, scp } = p as { scope?: unknown; scp?: unknown };
  if (typeof scope === 'string') return scope.split(' ').filter((s) => s !== '');
  if (Array.isArray(scp)) return scp.filter((s): s is string => typeof s === 'string');
  if (typeof scp === 'string') return scp.split(' ').filter((s) => s !== '');
  return [];
}
