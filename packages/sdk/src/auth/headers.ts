// The headers that carry credentials, named once for the clients that send them and the
// servers that read them (lowercase: HTTP/2 and gRPC metadata names).

/** A user's bearer token: `Authorization: Bearer <jwt>` (RFC 6750). */
export const AUTHORIZATION_HEADER = 'authorization';
/** The calling service's platform identity token (a JWT whose audience is the called service). */
export const IDENTITY_HEADER = 'bricks-identity';
/** Sent with a 401 over HTTP: what kind of credential is wanted, and why the one given failed. */
export const WWW_AUTHENTICATE_HEADER = 'www-authenticate';

/** The claim of an identity token that lists the services of the calling process (an `x-bricks.group` has several). */
export const SERVICES_CLAIM = 'bricks_services';

/** The JWT `typ` of platform identity tokens: a user token can never be taken for one. */
export const IDENTITY_TOKEN_TYPE = 'bricks-id+jwt';

/**
 * The token of an `Authorization: Bearer` value (RFC 6750's token68); undefined when there is no
 * header, null when there is one that is not a bearer token (refused, not ignored).
 */
export function bearerToken(value: string | undefined): string | null | undefined {
  if (value === undefined || value === '') return undefined;
  // By hand rather than a regular expression over the whole value: a token is a few hundred
  // characters and this runs on every call. What the token itself holds is jose's to check.
  if (value.length < 8 || value.charCodeAt(6) !== 32 || !isBearer(value)) return null;
  let start = 7;
  while (value.charCodeAt(start) === 32) start++;
  let end = value.length;
  while (end > start && value.charCodeAt(end - 1) === 32) end--;
  if (end === start) return null;
  return start === 7 && end === value.length ? value.slice(7) : value.slice(start, end);
}

const BEARER = 'bearer';

/** `Bearer`, in any case, at the start: compared by character codes, no string made. */
function isBearer(value: string): boolean {
  for (let i = 0; i < BEARER.length; i++) if ((value.charCodeAt(i) | 0x20) !== BEARER.charCodeAt(i)) return false;
  return true;
}
