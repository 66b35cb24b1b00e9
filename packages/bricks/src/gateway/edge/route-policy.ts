// Each route's effective policy, worked out once at start from the gateway's policies and the
// route's overrides. A route key that names no binding of the served services is refused here:
// a typo must not leave a route open. Precedence: a key naming the HTTP rule wins over one
// naming its RPC method, which wins over the gateway's; a route's key replaces the gateway's
// value whole (its auth keys one by one).
import type { Binding } from '../rules.ts';
import type { CorsSpec, EdgePolicies, RoutePolicySpec } from './config.ts';
import { DEFAULT_BODY_LIMIT, DEFAULT_CORS_EXPOSE, DEFAULT_CORS_HEADERS, DEFAULT_CORS_MAX_AGE_MS } from './defaults.ts';
import { EdgeError } from './errors.ts';
import type { BucketRule } from './token-bucket.ts';

export type RouteAuth = { readonly kind: 'public' } | { readonly kind: 'required'; readonly scopes: readonly string[] };

export interface CorsPolicy {
  /** null: any origin. */
  readonly origins: ReadonlySet<string> | null;
  readonly methods: readonly string[];
  readonly headers: readonly string[];
  readonly expose: readonly string[];
  readonly credentials: boolean;
  readonly maxAgeSeconds: number;
}

export interface RoutePolicy {
  /** The route's name in logs, metrics and spans: `GET /v1/games/{id}`, or `unmatched`. */
  readonly route: string;
  /** `package.Service/Method`, or null for requests no rule matches. */
  readonly rpc: string | null;
  readonly auth: RouteAuth;
  readonly cors: CorsPolicy | null;
  readonly bodyLimit: number;
  readonly rateLimit: BucketRule | null;
  /** Lowercase names of the request headers passed on as metadata. */
  readonly headers: ReadonlySet<string>;
}

/** The policy of requests no rule matches (a 404 or 405 still gets CORS headers, the body limit and a log line). */
export const UNMATCHED = 'unmatched';

export interface RoutePolicies {
  /** By the binding's label (`GET /v1/...`), unique among the bindings. */
  readonly byRoute: ReadonlyMap<string, RoutePolicy>;
  readonly unmatched: RoutePolicy;
}

const rpcName = (b: Binding): string => `${b.method.parent.typeName}/${b.method.name}`;

/** Throws EdgeError naming the key path of a route that matches nothing. */
export function routePolicies(policies: EdgePolicies, bindings: readonly Binding[], where = 'x-bricks.gateway'): RoutePolicies {
  const routes = policies.routes ?? {};
  const labels = new Set(bindings.map((b) => b.label));
  const methods = new Set(bindings.map(rpcName));
  for (const key of Object.keys(routes)) {
    if (labels.has(key) || methods.has(key)) continue;
    const known = key.includes(' ') ? [...labels] : [...methods];
    throw new EdgeError('policy-invalid', `${where}.routes["${key}"]: no ${key.includes(' ') ? 'google.api.http rule' : 'method with a google.api.http rule'} of the served services is ${key}; they are ${known.sort().join(', ') || 'none'}`);
  }
  const byRoute = new Map<string, RoutePolicy>();
  // Verbs per template, for a preflight's default Access-Control-Allow-Methods.
  const verbs = new Map<string, Set<string>>();
  for (const b of bindings) {
    const path = b.label.slice(b.label.indexOf(' ') + 1);
    const set = verbs.get(path) ?? new Set<string>();
    set.add(b.verb.toUpperCase());
    verbs.set(path, set);
  }
  for (const b of bindings) {
    const own = [routes[b.label], routes[rpcName(b)]].filter((r): r is RoutePolicySpec => r !== undefined);
    const path = b.label.slice(b.label.indexOf(' ') + 1);
    byRoute.set(b.label, effective(policies, own, b.label, rpcName(b), [...(verbs.get(path) ?? [])].sort()));
  }
  // A request no rule matches calls nothing and is answered 404 or 405: it needs no token (a
  // token it carries is still verified), so a client learns of a typo rather than of its login.
  const unmatched = { ...effective(policies, [], UNMATCHED, null, null), auth: { kind: 'public' as const } };
  return { byRoute, unmatched };
}

/** `own`: the route's overrides, strongest first. */
function effective(p: EdgePolicies, own: readonly RoutePolicySpec[], route: string, rpc: string | null, verbs: readonly string[] | null): RoutePolicy {
  const pick = <K extends keyof RoutePolicySpec>(key: K): RoutePolicySpec[K] | undefined => own.find((o) => o[key] !== undefined)?.[key];
  const headerList = pick('headers') ?? p.headers ?? [];
  const headers = new Set(headerList);
  const corsSpec = pick('cors') ?? p.cors;
  const rate = pick('rateLimit') ?? p.rateLimit;
  return {
    route,
    rpc,
    auth: authOf(p, own),
    cors: corsSpec === undefined || corsSpec === false ? null : corsOf(corsSpec, verbs, headerList),
    bodyLimit: pick('bodyLimit') ?? p.bodyLimit ?? DEFAULT_BODY_LIMIT,
    rateLimit: rate === undefined || rate === false ? null : { capacity: rate.burst ?? rate.requests, ratePerMs: rate.requests / rate.per },
    headers,
  };
}

function authOf(p: EdgePolicies, own: readonly RoutePolicySpec[]): RouteAuth {
  const g = p.auth;
  if (g === undefined) return { kind: 'public' };
  const scopes = own.find((o) => o.auth?.scopes !== undefined)?.auth?.scopes;
  const pub = own.find((o) => o.auth?.public !== undefined)?.auth?.public;
  // Scopes given for the route make it need a token, whatever the gateway's default.
  const isPublic = pub ?? (scopes !== undefined ? false : (g.public ?? false));
  return isPublic ? { kind: 'public' } : { kind: 'required', scopes: scopes ?? g.scopes ?? [] };
}

function corsOf(c: CorsSpec, verbs: readonly string[] | null, allowListed: readonly string[]): CorsPolicy {
  const lower = (xs: readonly string[]): string[] => [...new Set(xs.map((x) => x.toLowerCase()))];
  return {
    origins: c.origins === '*' ? null : new Set(c.origins),
    methods: c.methods ?? verbs ?? ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    headers: lower(c.headers ?? [...DEFAULT_CORS_HEADERS, ...allowListed]),
    expose: lower(c.expose ?? DEFAULT_CORS_EXPOSE),
    credentials: c.credentials ?? false,
    maxAgeSeconds: Math.floor((c.maxAge ?? DEFAULT_CORS_MAX_AGE_MS) / 1000),
  };
}
