// The edge policies of the platform gateway: the policy part of the stack key `x-bricks.gateway`,
// as a zod schema the stack loader checks the file with and the gateway program parses its
// configuration with (one contract for both). Policies are set for the whole gateway and
// overridden per route; a route is named by its HTTP rule (`GET /v1/games/{id}`, the verb and the
// template as the proto writes them) or by its RPC method (`arcade.v1.CatalogService/CreateGame`,
// every binding of the method). Unset stays unset here: defaults are the edge's (defaults.ts).
// Imports only what the CLI bundle takes (zod and the SDK's auth and duration contracts).
import { z } from 'zod';
import { ASYMMETRIC_ALGORITHMS, IDENTITY_HEADER } from '@bricks/sdk/auth';
import { readDuration } from '@bricks/sdk/duration';
import { EdgeError } from './errors.ts';
import { readSize } from './size.ts';

const duration = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const d = readDuration(v);
  if (!d.ok) {
    ctx.addIssue({ code: 'custom', message: d.message });
    return z.NEVER;
  }
  return d.ms;
});

const size = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const s = readSize(v);
  if (!s.ok) {
    ctx.addIssue({ code: 'custom', message: s.message });
    return z.NEVER;
  }
  return s.bytes;
});

/** RFC 9110's token: what a header name or a method may be made of. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Headers the edge sets itself or that say who the caller is: a caller can never send them on.
 * `authorization` goes on only as the token the edge verified; the platform identity header
 * only ever comes from an SDK client's own identity.
 */
const RESERVED_HEADERS = new Set(['authorization', IDENTITY_HEADER, 'x-request-id', 'traceparent', 'tracestate', 'host', 'content-length', 'content-type', 'connection', 'transfer-encoding', 'te', 'upgrade', 'keep-alive']);

const headerName = z
  .string()
  .regex(TOKEN, { error: 'a header name is an HTTP token (letters, digits and !#$%&\'*+-.^_`|~)' })
  .transform((h) => h.toLowerCase())
  .refine((h) => !RESERVED_HEADERS.has(h), {
    error: (issue) => `${String(issue.input)} cannot be passed on from callers: the edge sets it itself (authorization only as a verified token, the request id, trace context) or it says who the caller is`,
  });

const scopes = z.array(z.string().regex(/^[\x21\x23-\x5B\x5D-\x7E]+$/, { error: 'a scope is printable ASCII without spaces, quotes or backslashes (RFC 6749 §3.3)' })).min(1);

/** `https://app.example.com`, `http://localhost:5173`: a scheme, a host and an optional port, as browsers send Origin. */
const origin = z.string().regex(/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/, { error: 'an origin is scheme://host[:port] with no path, as browsers send it (https://app.example.com)' });

const cors = z
  .object({
    /** Origins allowed to call, or "*" for any. */
    origins: z.union([z.literal('*'), z.array(origin).min(1)]),
    /** Methods a preflight allows. Default: the route's own verbs. */
    methods: z.array(z.string().regex(TOKEN)).min(1).optional(),
    /** Request headers a preflight allows. Default: authorization, content-type, x-request-id and the allow-listed headers. */
    headers: z.array(z.string().regex(TOKEN)).optional(),
    /** Response headers scripts may read beyond the CORS-safelisted ones. Default: x-request-id, retry-after, www-authenticate. */
    expose: z.array(z.string().regex(TOKEN)).optional(),
    /** Whether the browser may send cookies and Authorization with the request. Default false. */
    credentials: z.boolean().optional(),
    /** How long a browser keeps a preflight's answer. Default 10m. */
    maxAge: duration.optional(),
  })
  .strict()
  .refine((c) => !(c.credentials === true && c.origins === '*'), { error: 'credentials: true cannot go with origins "*" (browsers refuse it); list the origins', path: ['credentials'] });

const rateLimit = z
  .object({
    /** Requests a client may make per `per`, on average. */
    requests: z.number().int().positive(),
    per: duration.refine((ms) => ms > 0, { error: 'per must be longer than 0s' }),
    /** How many it may make at once after a pause. Default: `requests`. */
    burst: z.number().int().positive().optional(),
  })
  .strict();

/** Authentication as a route overrides it: public, or the scopes its tokens need. */
const routeAuthShape = {
  /** No token needed (one that is sent is still verified, and passed on). */
  public: z.boolean().optional(),
  /** Every one of these must be in the token's `scope` or `scp`. */
  scopes: scopes.optional(),
};

const notPublicWithScopes = (a: { public?: boolean | undefined; scopes?: readonly string[] | undefined }): boolean => !(a.public === true && a.scopes !== undefined);
const PUBLIC_WITH_SCOPES = 'public: true takes no scopes; drop one of them';

const routeAuth = z.object(routeAuthShape).strict().refine(notPublicWithScopes, { error: PUBLIC_WITH_SCOPES });

const gatewayAuth = z
  .object({
    /** The OIDC issuer of users' tokens: its discovery document names its JWKS. */
    issuer: z.url({ protocol: /^https?$/, error: 'issuer must be the http(s) URL of an OIDC issuer' }),
    /** What tokens must name in `aud`: one value or any of several. */
    audience: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    /** The allow-list of signing algorithms. Default: the SDK's (RS256, PS256, ES256, EdDSA). */
    algorithms: z.array(z.enum(ASYMMETRIC_ALGORITHMS)).min(1).optional(),
    /** Leeway for `exp` and `nbf`. Default: the SDK's 10s. */
    clockSkew: duration.optional(),
    ...routeAuthShape,
  })
  .strict()
  .refine(notPublicWithScopes, { error: PUBLIC_WITH_SCOPES });

/** What a route may set; unset keys take the gateway's. `false` turns a policy off for the route. */
const routePolicy = z
  .object({
    auth: routeAuth.optional(),
    cors: z.union([z.literal(false), cors]).optional(),
    bodyLimit: size.optional(),
    rateLimit: z.union([z.literal(false), rateLimit]).optional(),
    /** Request headers passed on as RPC metadata, replacing the gateway's list. */
    headers: z.array(headerName).optional(),
  })
  .strict();

/** `GET /v1/games/{id}` (a verb and a template as the rule writes them) or `arcade.v1.CatalogService/CreateGame`. */
export const ROUTE_KEY = /^(?:[A-Z]+ \/\S*|[A-Za-z_][\w.]*\/\w+)$/;

export const edgePoliciesSchema = z
  .object({
    /** Users' tokens: who issues them, and whether routes need them (default: every route, once an issuer is set). */
    auth: gatewayAuth.optional(),
    cors: cors.optional(),
    /** The largest request body. Default 4MiB. */
    bodyLimit: size.optional(),
    /** Per client and route. Default: none. */
    rateLimit: rateLimit.optional(),
    /** Request headers passed on as RPC metadata. Default: none. */
    headers: z.array(headerName).optional(),
    /** Serve HTTPS with these PEM files (paths relative to the stack file). Default: plain HTTP. */
    tls: z.object({ cert: z.string().min(1), key: z.string().min(1) }).strict().optional(),
    routes: z.record(z.string().regex(ROUTE_KEY, { error: 'a route is "VERB /template" as its google.api.http rule writes it, or package.Service/Method' }), routePolicy).optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.auth !== undefined) return;
    for (const [key, route] of Object.entries(p.routes ?? {})) {
      if (route.auth?.scopes !== undefined || route.auth?.public === false) {
        ctx.addIssue({ code: 'custom', path: ['routes', key, 'auth'], message: 'this route needs a token, but no issuer is set to verify it with: add auth.issuer and auth.audience at the gateway level' });
      }
    }
  });

export type EdgePolicies = z.output<typeof edgePoliciesSchema>;
export type RoutePolicySpec = z.output<typeof routePolicy>;
export type CorsSpec = z.output<typeof cors>;
export type RateLimitSpec = z.output<typeof rateLimit>;

/** The policies from plain data (a parsed file, JSON); throws EdgeError naming the key path of the first problem. */
export function parseEdgePolicies(raw: unknown, where = 'x-bricks.gateway'): EdgePolicies {
  const parsed = edgePoliciesSchema.safeParse(raw ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = issue.path.map((s) => (typeof s === 'number' ? `[${s}]` : /^[A-Za-z_]\w*$/.test(String(s)) ? `.${String(s)}` : `[${JSON.stringify(String(s))}]`)).join('');
  const message =
    issue.code === 'unrecognized_keys'
      ? `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`
      : // A record's key: zod nests the key's own issue.
        issue.code === 'invalid_key'
        ? (issue.issues[0]?.message ?? issue.message)
        : issue.message;
  throw new EdgeError('policy-invalid', `${where}${path}: ${message}`);
}
