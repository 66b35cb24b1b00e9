// GET /v1/identity/.well-known/openid-configuration and /v1/identity/jwks: the daemon as the OIDC
// issuer of service identity tokens. Public: replicas, which have no API token, verify callers with them.

export interface IdentityDiscoveryDoc {
  readonly issuer: string;
  readonly jwks_uri: string;
  readonly id_token_signing_alg_values_supported: readonly string[];
  readonly subject_types_supported: readonly string[];
  readonly response_types_supported: readonly string[];
}

/** A JSON Web Key Set of public keys (RFC 7517). */
export interface JwksDoc {
  readonly keys: readonly Readonly<Record<string, unknown>>[];
}

/** Where the issuer is: its URL is the control API's address followed by this. */
export const IDENTITY_ISSUER_PATH = '/v1/identity';

/** POST /v1/identity/token: a user token of the development issuer (`bricks token`). */
export interface TokenAnswer {
  readonly token: string;
  readonly expiresAt: number;
}
