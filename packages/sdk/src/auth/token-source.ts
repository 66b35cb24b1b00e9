// The calling side of service identity: the token a client sends to the service it calls.
// Locally the daemon writes one token per audience into the replica's identity folder and
// renews it at half its life; this reads a file when first needed and again once the token it
// holds is three quarters through its life, so a renewed one is picked up long before expiry.
// A call reads a cached string: no file system access per call.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeJwt, importJWK, SignJWT, type CryptoKey, type JWK } from 'jose';
import { IDENTITY_DIR_VARIABLE, IDENTITY_ISSUER_VARIABLE, IDENTITY_KEY_VARIABLE, SERVICE_VARIABLE, SERVICES_VARIABLE } from '../config/platform-env-names.js';
import { IDENTITY_TOKEN_TYPE, SERVICES_CLAIM } from './headers.ts';

export interface TokenSource {
  /** The token for calls to `audience` (a service's name), or undefined when there is none. */
  token(audience: string): string | undefined;
}

interface Held {
  readonly token: string | undefined;
  /** Epoch ms after which the file is read again. */
  readonly rereadAt: number;
}

/** A missing token (a service added since, a daemon restart) is looked for again this often. */
const MISSING_RECHECK_MS = 1000;

export function fileTokens(dir: string, now: () => number = Date.now): TokenSource {
  const held = new Map<string, Held>();
  const read = (audience: string): Held => {
    const t = now();
    let token: string;
    try {
      token = readFileSync(join(dir, `${audience}.jwt`), 'utf8').trim();
    } catch {
      return { token: undefined, rereadAt: t + MISSING_RECHECK_MS };
    }
    try {
      const { iat, exp } = decodeJwt(token);
      if (iat === undefined || exp === undefined) return { token, rereadAt: t + MISSING_RECHECK_MS };
      return { token, rereadAt: Math.max(t + MISSING_RECHECK_MS, (iat + (exp - iat) * 0.75) * 1000) };
    } catch {
      return { token: undefined, rereadAt: t + MISSING_RECHECK_MS };
    }
  };
  return {
    token(audience) {
      let h = held.get(audience);
      if (h === undefined || now() >= h.rereadAt) {
        h = read(audience);
        held.set(audience, h);
      }
      return h.token;
    },
  };
}

/** Swarm's and Kubernetes' tokens live ten minutes too, signed again at half their life. */
const SELF_SIGNED_TTL_S = 600;

/**
 * On an engine each service holds its own signing key (a secret only it gets): it signs its
 * tokens itself, one per audience, named by the key's id (`<service>.<thumbprint>`), which
 * verifiers hold against the token's subject. jose signs asynchronously, so a token is made
 * ahead: for every service of the stack (its `<NAME>_URL` variables) when the source starts,
 * then again at half its life; a call before the first one is ready goes without (and a
 * guarded method refuses it as unauthenticated).
 */
export function selfSignedTokens(keyFile: string, issuer: string, service: string, services: readonly string[], audiences: readonly string[], now: () => number = Date.now): TokenSource {
  const held = new Map<string, { token: string; renewAt: number }>();
  const signing = new Set<string>();
  let key: Promise<{ key: CryptoKey; kid: string }> | undefined;
  const load = (): Promise<{ key: CryptoKey; kid: string }> =>
    (key ??= (async () => {
      const jwk = JSON.parse(readFileSync(keyFile, 'utf8')) as JWK;
      return { key: (await importJWK(jwk, 'ES256')) as CryptoKey, kid: jwk.kid ?? '' };
    })());
  const sign = (audience: string): void => {
    if (signing.has(audience)) return;
    signing.add(audience);
    void load()
      .then(async ({ key: k, kid }) => {
        const iat = Math.floor(now() / 1000);
        const token = await new SignJWT({ [SERVICES_CLAIM]: [...services] })
          .setProtectedHeader({ alg: 'ES256', kid, typ: IDENTITY_TOKEN_TYPE })
          .setIssuer(issuer)
          .setSubject(service)
          .setAudience(audience)
          .setIssuedAt(iat)
          .setNotBefore(iat)
          .setExpirationTime(iat + SELF_SIGNED_TTL_S)
          .sign(k);
        held.set(audience, { token, renewAt: (iat + SELF_SIGNED_TTL_S / 2) * 1000 });
      })
      .catch(() => undefined)
      .finally(() => signing.delete(audience));
  };
  for (const a of audiences) sign(a);
  return {
    token(audience) {
      const h = held.get(audience);
      if (h === undefined || now() >= h.renewAt) sign(audience);
      return h?.token;
    },
  };
}

/** This replica's identity tokens, when the platform gives it any: files from the daemon, or its own key on an engine. */
export function tokensFromEnv(env: Readonly<Record<string, string | undefined>>): TokenSource | undefined {
  const dir = env[IDENTITY_DIR_VARIABLE];
  if (dir !== undefined && dir !== '') return fileTokens(dir);
  const keyFile = env[IDENTITY_KEY_VARIABLE];
  const issuer = env[IDENTITY_ISSUER_VARIABLE];
  const service = env[SERVICE_VARIABLE];
  if (keyFile === undefined || keyFile === '' || issuer === undefined || service === undefined) return undefined;
  const members = (env[SERVICES_VARIABLE] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  // Every service of the stack has a <NAME>_URL; their names are what tokens are for.
  const audiences = Object.keys(env).filter((k) => k.endsWith('_URL')).map((k) => k.slice(0, -4).toLowerCase().replace(/_/g, '-'));
  return selfSignedTokens(keyFile, issuer, service, members.length > 0 ? members : [service], audiences);
}
