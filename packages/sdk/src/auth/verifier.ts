// Verifies one issuer's JWTs with jose: signature by a key the issuer publishes, an allow-listed
// algorithm, `iss`, `aud`, `exp` and `nbf` within a small clock skew, and `typ` where the issuer's
// tokens have one. A token verified once is kept until it expires, found by the end of its
// signature and then compared whole (header, payload and signature: a tampered payload is
// another text, and is verified afresh), so a caller that sends the same token on every call
// pays for one signature check, not one per call, and a lookup hashes 32 characters, not 600.
import { errors, jwtVerify, type JWTPayload } from 'jose';
import { IssuerUnreachable, type KeySource } from './key-source.ts';

export interface VerifierOptions {
  readonly issuer: string;
  /** Any one of these must be in `aud`. */
  readonly audience: readonly string[];
  readonly algorithms: readonly string[];
  readonly clockSkewMs: number;
  readonly keys: KeySource;
  /** The `typ` header every token must have (platform identity tokens). */
  readonly type?: string;
  /** A `typ` no token may have: user tokens are never platform identity tokens. */
  readonly refusedType?: string;
  /**
   * Whose key signed it must be whom it names: on an engine each service signs with its own key,
   * whose id starts with its name (`catalog.1a2b3c4d`), so one service cannot sign as another.
   */
  readonly subjectIsKeyOwner?: boolean;
  /** Epoch ms. */
  readonly now?: () => number;
  /** Verified tokens kept; the oldest goes first. */
  readonly cacheSize?: number;
}

/** Why a token was refused, in words that name no part of it. */
export class TokenRejected extends Error {
  override readonly name = 'TokenRejected';
}

export { IssuerUnreachable };

interface Kept {
  /** The whole token: a hit must be this very text. */
  readonly token: string;
  readonly payload: JWTPayload;
  readonly expMs: number;
  readonly nbfMs: number;
}

/** 10 000 tokens of about 1 KB each: a few MB at most, far more distinct callers than a replica sees. */
const DEFAULT_CACHE_SIZE = 10_000;
/** 32 base64url characters of a signature: 192 random-looking bits, as unique as the whole. */
const KEY_CHARS = 32;

const keyOf = (token: string): string => (token.length > KEY_CHARS ? token.slice(token.length - KEY_CHARS) : token);

export class TokenVerifier {
  readonly #opts: VerifierOptions;
  readonly #now: () => number;
  readonly #kept = new Map<string, Kept>();
  readonly #max: number;

  constructor(opts: VerifierOptions) {
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
    this.#max = opts.cacheSize ?? DEFAULT_CACHE_SIZE;
  }

  get issuer(): string {
    return this.#opts.issuer;
  }

  /**
   * The token's verified claims: at once for a token verified before and still valid, else a
   * promise. Throws (or rejects with) TokenRejected, or IssuerUnreachable when the keys cannot be had.
   */
  verify(token: string): JWTPayload | Promise<JWTPayload> {
    const kept = this.#kept.get(keyOf(token));
    if (kept !== undefined && kept.token === token) {
      const now = this.#now();
      const skew = this.#opts.clockSkewMs;
      if (now >= kept.expMs + skew) {
        this.#kept.delete(keyOf(token));
        throw new TokenRejected('the token has expired');
      }
      if (now < kept.nbfMs - skew) throw new TokenRejected('the token is not valid yet (nbf)');
      return kept.payload;
    }
    return this.#verify(token);
  }

  /** Whether verified claims are still within their time (exp, nbf and the skew): for callers' own memos. */
  current(payload: JWTPayload): boolean {
    const now = this.#now();
    const skew = this.#opts.clockSkewMs;
    return now < (payload.exp ?? 0) * 1000 + skew && (payload.nbf === undefined || now >= payload.nbf * 1000 - skew);
  }

  async #verify(token: string): Promise<JWTPayload> {
    const o = this.#opts;
    let payload: JWTPayload;
    let typ: string | undefined;
    let kid: string | undefined;
    try {
      const r = await jwtVerify(token, o.keys.resolve, {
        issuer: o.issuer,
        audience: [...o.audience],
        algorithms: [...o.algorithms],
        clockTolerance: o.clockSkewMs / 1000,
        currentDate: new Date(this.#now()),
        requiredClaims: ['exp', 'sub'],
        ...(o.type === undefined ? {} : { typ: o.type }),
      });
      payload = r.payload;
      typ = r.protectedHeader.typ;
      kid = r.protectedHeader.kid;
    } catch (e) {
      throw rejection(e);
    }
    if (o.refusedType !== undefined && typ?.toLowerCase() === o.refusedType) throw new TokenRejected(`a ${o.refusedType} token is not a user token`);
    if (o.subjectIsKeyOwner === true && !(kid ?? '').startsWith(`${payload.sub ?? ''}.`)) throw new TokenRejected('the token names another service than the one whose key signed it (sub, kid)');
    const expMs = (payload.exp ?? 0) * 1000;
    const nbfMs = payload.nbf === undefined ? -Infinity : payload.nbf * 1000;
    if (this.#kept.size >= this.#max) this.#kept.delete(this.#kept.keys().next().value as string);
    this.#kept.set(keyOf(token), { token, payload, expMs, nbfMs });
    return payload;
  }
}

/** jose's reasons, said without the token. */
function rejection(e: unknown): Error {
  if (e instanceof IssuerUnreachable) return e;
  if (e instanceof errors.JWTExpired) return new TokenRejected('the token has expired');
  if (e instanceof errors.JWTClaimValidationFailed) {
    switch (e.claim) {
      case 'nbf':
        return new TokenRejected('the token is not valid yet (nbf)');
      case 'iat':
        return new TokenRejected('the token was issued in the future (iat)');
      case 'iss':
        return new TokenRejected('the token is from another issuer (iss)');
      case 'aud':
        return new TokenRejected('the token is not meant for this service (aud)');
      case 'typ':
        return new TokenRejected('the token is not of the expected type (typ)');
      default:
        return new TokenRejected(`the token's ${e.claim} claim is missing or wrong`);
    }
  }
  if (e instanceof errors.JOSEAlgNotAllowed) return new TokenRejected('the token is signed with an algorithm this service does not accept');
  if (e instanceof errors.JWSSignatureVerificationFailed) return new TokenRejected('the token signature does not verify');
  if (e instanceof errors.JWKSNoMatchingKey) return new TokenRejected('the token is signed with a key its issuer does not publish (kid)');
  if (e instanceof errors.JWKSMultipleMatchingKeys) return new TokenRejected('the token names no key (kid) and its issuer has several');
  if (e instanceof errors.JOSENotSupported) return new TokenRejected('the token uses an algorithm or key type that is not supported');
  if (e instanceof errors.JWSInvalid || e instanceof errors.JWTInvalid || e instanceof errors.JOSEError) return new TokenRejected('the token is malformed');
  return e instanceof Error ? e : new Error(String(e));
}
