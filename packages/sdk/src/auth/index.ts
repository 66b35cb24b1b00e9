// Verified callers: the schema of x-bricks.auth, the credential headers, and what the
// platform needs to issue identity tokens the SDK accepts (the token type and the services claim).
export { authSchema, parseAuth, encodeAuth, needsUser, LOCAL_ISSUER, ASYMMETRIC_ALGORITHMS, DEFAULT_ALGORITHMS, DEFAULT_CLOCK_SKEW_MS } from './policy.ts';
export type { AuthSpec, MethodRule } from './policy.ts';
export { AUTHORIZATION_HEADER, IDENTITY_HEADER, WWW_AUTHENTICATE_HEADER, IDENTITY_TOKEN_TYPE, SERVICES_CLAIM, bearerToken } from './headers.ts';
export type { Identity, UserIdentity, ServiceIdentity } from './identity.ts';
