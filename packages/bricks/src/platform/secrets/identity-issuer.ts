// The local platform as an OIDC issuer of service identity: an ES256 key made when the daemon
// starts (kept in memory only: replicas do not outlive their daemon), its JWKS and discovery
// document served on the control API's public routes, and short-lived tokens naming a unit (and
// the services its process serves), one per audience: a token is good only at the service it calls.
import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { IDENTITY_TOKEN_TYPE, SERVICES_CLAIM } from '@bricks/sdk/auth';
import type { IdentityDiscoveryDoc } from '../api/contract/index.ts';

/** Ten minutes: short enough that a leaked token is soon worthless, long enough that renewal is rare. */
export const IDENTITY_TTL_MS = 10 * 60_000;

export interface IssuedToken {
  readonly token: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
}


export class IdentityIssuer {
  private constructor(
    readonly issuer: string,
    private readonly jwksUri: string,
    private readonly privateKey: CryptoKey,
    private readonly publicJwk: JWK,
    readonly ttlMs: number,
  ) {}

  /** `issuer` is the URL of the issuer (the control API's /v1/identity); `jwksUri` where its keys are served. */
  static async create(issuer: string, jwksUri: string, ttlMs = IDENTITY_TTL_MS): Promise<IdentityIssuer> {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const kid = randomBytes(8).toString('hex');
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
    return new IdentityIssuer(issuer, jwksUri, privateKey, publicJwk, ttlMs);
  }

  get jwks(): { readonly keys: readonly JWK[] } {
    return { keys: [this.publicJwk] };
  }

  get discovery(): IdentityDiscoveryDoc {
    return {
      issuer: this.issuer,
      jwks_uri: this.jwksUri,
      id_token_signing_alg_values_supported: ['ES256'],
      subject_types_supported: ['public'],
      response_types_supported: ['id_token'],
    };
  }

  /** A token naming `unit` (its process serves `services`), for calls to `audience`. */
  issue(unit: string, services: readonly string[], audience: string, now: number): Promise<IssuedToken> {
    return this.sign({ [SERVICES_CLAIM]: [...services] }, IDENTITY_TOKEN_TYPE, unit, audience, this.ttlMs, now);
  }

  async sign(claims: Record<string, unknown>, typ: string, subject: string, audience: string | string[], ttlMs: number, now: number): Promise<IssuedToken> {
    const iat = Math.floor(now / 1000);
    const exp = iat + Math.floor(ttlMs / 1000);
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: this.publicJwk.kid ?? '', typ })
      .setIssuer(this.issuer)
      .setSubject(subject)
      .setAudience(audience)
      .setIssuedAt(iat)
      // No nbf (it would equal iat) and no jti (nothing keeps a replay list): the token rides
      // on every call, and each byte of it is carried every time.
      .setExpirationTime(exp)
      .sign(this.privateKey);
    return { token, issuedAt: iat * 1000, expiresAt: exp * 1000 };
  }
}

/** What `bricks token` asks for: a user token of the development issuer (x-bricks.auth.issuer: local). */
export interface UserTokenRequest {
  readonly subject: string;
  readonly scopes: readonly string[];
  readonly audience: readonly string[];
  readonly ttlMs: number;
}

/** RFC 9068's type of an access token: never taken for an identity token, which the SDK tells by `typ`. */
const USER_TOKEN_TYPE = 'at+jwt';

/** Signs a user token for local development (the daemon stands in for the team's OIDC provider). */
export async function issueUserToken(issuer: IdentityIssuer, req: UserTokenRequest, now: number): Promise<IssuedToken> {
  return issuer.sign({ scope: req.scopes.join(' ') }, USER_TOKEN_TYPE, req.subject, [...req.audience], req.ttlMs, now);
}

/** Renewal at half a token's life: the SDK rereads at three quarters, so a client always holds a valid one. */
export function renewalDue(issuedAt: number, ttlMs: number, now: number): boolean {
  return now - issuedAt >= ttlMs / 2;
}
