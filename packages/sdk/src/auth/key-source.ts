// Where an issuer's public keys come from: its OIDC discovery document's `jwks_uri` (fetched
// once, cached by jose, fetched again for a `kid` it does not know, so an issuer rotates keys
// without a restart here), or a JWKS file (the stack's identity keys on Swarm and Kubernetes).
import { readFileSync } from 'node:fs';
import { createLocalJWKSet, createRemoteJWKSet, customFetch, errors, type CryptoKey, type FlattenedJWSInput, type JSONWebKeySet, type JWSHeaderParameters } from 'jose';

export type KeyResolver = (header: JWSHeaderParameters, token: FlattenedJWSInput) => Promise<CryptoKey>;

export interface KeySource {
  /** The key for a token's header; rejects with jose's JWKSNoMatchingKey when there is none. */
  readonly resolve: KeyResolver;
}

/** Thrown when the issuer cannot be asked: the token may be fine, so this is not `unauthenticated`. */
export class IssuerUnreachable extends Error {
  override readonly name = 'IssuerUnreachable';
}

export interface DiscoveryOptions {
  /**
   * The least time between two fetches made for unknown `kid`s: a token with an unknown kid waits
   * for the next fetch instead of failing, and forged kids cannot make us fetch more often.
   * 1 s: an issuer's new key is trusted within a second of being published.
   */
  readonly refetchIntervalMs?: number;
  /** jose's cache age: keys are fetched again at least this often. Default 10 min (jose's). */
  readonly maxAgeMs?: number;
  /** Per fetch. Default 5 s (jose's). */
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
}

const DEFAULT_REFETCH_INTERVAL_MS = 1000;

/** Keys of the OIDC issuer `issuer`, found through `<issuer>/.well-known/openid-configuration`. */
export function discoveredKeys(issuer: string, opts: DiscoveryOptions = {}): KeySource {
  const doFetch = opts.fetch ?? fetch;
  const now = opts.now ?? Date.now;
  const interval = opts.refetchIntervalMs ?? DEFAULT_REFETCH_INTERVAL_MS;
  let set: Promise<ReturnType<typeof createRemoteJWKSet>> | undefined;
  let lastForced = -Infinity;
  let forcing: Promise<void> | undefined;

  const discover = async (): Promise<ReturnType<typeof createRemoteJWKSet>> => {
    const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    let doc: { issuer?: unknown; jwks_uri?: unknown };
    try {
      const res = await doFetch(url, { signal: AbortSignal.timeout(opts.timeoutMs ?? 5000), redirect: 'error' });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      doc = (await res.json()) as typeof doc;
    } catch (e) {
      throw new IssuerUnreachable(`cannot read the discovery document of ${issuer} (${url}): ${(e as Error).message}`, { cause: e });
    }
    // OIDC Discovery 1.0 §4.3: the document must name the issuer it was fetched for.
    if (doc.issuer !== issuer) throw new IssuerUnreachable(`the discovery document at ${url} names issuer ${JSON.stringify(doc.issuer)}, not ${issuer}`);
    if (typeof doc.jwks_uri !== 'string') throw new IssuerUnreachable(`the discovery document at ${url} has no jwks_uri`);
    return createRemoteJWKSet(new URL(doc.jwks_uri), {
      cooldownDuration: interval,
      ...(opts.maxAgeMs === undefined ? {} : { cacheMaxAge: opts.maxAgeMs }),
      ...(opts.timeoutMs === undefined ? {} : { timeoutDuration: opts.timeoutMs }),
      [customFetch]: (u: string, o: RequestInit) => doFetch(u, o),
    });
  };

  const jwks = (): Promise<ReturnType<typeof createRemoteJWKSet>> => {
    const s = (set ??= discover());
    // A failed discovery is tried again by the next call, not remembered.
    s.catch(() => {
      if (set === s) set = undefined;
    });
    return s;
  };

  /** One fetch for every caller that met an unknown kid meanwhile, no sooner than `interval` after the last. */
  const forceReload = (keys: ReturnType<typeof createRemoteJWKSet>): Promise<void> => {
    forcing ??= (async () => {
      const wait = lastForced + interval - now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait).unref());
      lastForced = now();
      await keys.reload();
    })().finally(() => (forcing = undefined));
    return forcing;
  };

  return {
    resolve: async (header, token) => {
      const keys = await jwks();
      try {
        return await keys(header, token);
      } catch (e) {
        if (e instanceof errors.JWKSNoMatchingKey) {
          // jose fetches again by itself only after its cooldown: ask once more, after it.
          await forceReload(keys).catch(unreachable(issuer));
          return keys(header, token);
        }
        return unreachable(issuer)(e);
      }
    },
  };
}

function unreachable(issuer: string): (e: unknown) => never {
  return (e) => {
    if (e instanceof errors.JWKSTimeout || (e instanceof errors.JOSEError && e.code === 'ERR_JOSE_GENERIC') || (e instanceof Error && !(e instanceof errors.JOSEError))) {
      throw new IssuerUnreachable(`cannot fetch the keys of ${issuer}: ${e.message}`, { cause: e });
    }
    throw e;
  };
}

/** Keys from a JWKS file, read once (a new file comes with a new deployment). */
export function fileKeys(path: string): KeySource {
  let set: ReturnType<typeof createLocalJWKSet> | undefined;
  return {
    resolve: async (header, token) => {
      if (set === undefined) {
        let jwks: JSONWebKeySet;
        try {
          jwks = JSON.parse(readFileSync(path, 'utf8')) as JSONWebKeySet;
        } catch (e) {
          throw new IssuerUnreachable(`cannot read the identity keys in ${path}: ${(e as Error).message}`, { cause: e });
        }
        set = createLocalJWKSet(jwks);
      }
      return set(header, token);
    },
  };
}
