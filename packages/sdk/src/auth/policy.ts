// Who may call what: the schema of a service's `x-bricks.auth` (passed to replicas as JSON in
// BRICKS_AUTH), which names the issuer and audience of user tokens and the rules per method.
// The stack loader checks a stack file with this schema, the SDK's server parses the variable
// with it: one contract for both.
import { z } from 'zod';
import { formatDuration } from '../config/duration.ts';
import { duration } from '../config/duration-schema.ts';

/**
 * What one method asks of its callers. A rule with `scopes`, `claims` or `user: true` needs a
 * verified user token; one with `callers` needs a verified service identity naming one of them.
 */
const methodRule = z
  .object({
    /** A user token is required even when no scope or claim is. */
    user: z.boolean().optional(),
    /** Every one of these must be in the token's `scope` (space-separated) or `scp` claim. */
    scopes: z.array(z.string().min(1)).min(1).optional(),
    /** Each claim must equal this value (or, for an array claim, contain it). */
    claims: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    /** Only these services of the stack may call. */
    callers: z.array(z.string().min(1)).min(1).optional(),
  })
  .strict();

/** x-bricks.auth.issuer's name for the local daemon's development issuer. */
export const LOCAL_ISSUER = 'local';

/** Signing algorithms a user token may use: asymmetric ones only, so a public key can never verify an HMAC. */
export const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'] as const;

export const authSchema = z
  .object({
    /**
     * The OIDC issuer of user tokens: its discovery document names its JWKS. `local`: the bricks
     * daemon's development issuer (`bricks token` mints its tokens); the daemon gives replicas its URL.
     */
    issuer: z.union([z.literal(LOCAL_ISSUER), z.url({ protocol: /^https?$/, error: `issuer must be an http(s) URL, the OIDC issuer of user tokens, or ${LOCAL_ISSUER}` })]).optional(),
    /** What user tokens must name in `aud`: one value or any of several. Default: the service's name. */
    audience: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]).optional(),
    /** The allow-list of signing algorithms. Default: RS256, PS256, ES256, EdDSA. */
    algorithms: z.array(z.enum(ASYMMETRIC_ALGORITHMS)).min(1).optional(),
    /** Leeway for `exp` and `nbf` against clocks that differ a little. Default 10 s. */
    clockSkew: duration.optional(),
    /** Rules by `package.Service/Method`. A method with none takes any caller (a token it is sent is still verified). */
    methods: z.record(z.string().regex(/^[A-Za-z_][\w.]*\/\w+$/, { error: 'a method is named package.Service/Method' }), methodRule).optional(),
  })
  .strict();

export type AuthSpec = z.output<typeof authSchema>;
export type MethodRule = z.output<typeof methodRule>;

/** RS256 and ES256 are what OIDC providers sign with; PS256 and EdDSA are their modern choices. */
export const DEFAULT_ALGORITHMS: readonly string[] = ['RS256', 'PS256', 'ES256', 'EdDSA', 'Ed25519'];
/** Clocks of machines kept by NTP agree within a second; 10 s also covers a laptop that slept. */
export const DEFAULT_CLOCK_SKEW_MS = 10_000;

export class AuthConfigError extends Error {
  override readonly name = 'AuthConfigError';
  readonly code = 'invalid_auth' as const;
}

/** Parses BRICKS_AUTH (JSON). Empty or undefined: no rules and no user issuer. */
export function parseAuth(json: string | undefined, variable = 'the auth policy'): AuthSpec {
  if (json === undefined || json.trim() === '') return {};
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    throw new AuthConfigError(`${variable} is not JSON: ${(e as Error).message}`);
  }
  const parsed = authSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AuthConfigError(`${variable}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/** The spec as the JSON a replica's BRICKS_AUTH carries (durations with their unit). */
export function encodeAuth(spec: AuthSpec): string {
  return JSON.stringify(spec, (key, value: unknown) => (key === 'clockSkew' && typeof value === 'number' ? formatDuration(value) : value));
}

/** Whether a rule asks for a user token. */
export function needsUser(rule: MethodRule): boolean {
  return rule.user === true || rule.scopes !== undefined || rule.claims !== undefined;
}
