// An OIDC issuer made in a test: keys from jose, a discovery document and a JWKS on loopback,
// tokens signed on demand (with any claim or header changed, for the attacks), and key rotation.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

interface Key {
  readonly kid: string;
  readonly alg: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

export interface SignOptions {
  readonly claims?: JWTPayload;
  /** Seconds from now; negative for a token that has already expired. Default 300. */
  readonly expiresIn?: number;
  /** Seconds from now for `nbf`. */
  readonly notBefore?: number;
  readonly audience?: string | string[];
  readonly issuer?: string;
  readonly subject?: string;
  /** A key the issuer does not publish. */
  readonly key?: Key;
  readonly typ?: string;
  readonly kid?: string;
}

export class TestIssuer {
  #keys: Key[] = [];
  #signer: Key | undefined;
  jwksFetches = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly alg: string,
  ) {}

  /** `host`: where it listens and what its URL names (loopback unless a container must reach it). */
  static async start(alg: 'RS256' | 'ES256' = 'RS256', path = '', host = '127.0.0.1'): Promise<TestIssuer> {
    const ref: { issuer?: TestIssuer } = {};
    const server = createServer((req, res) => {
      const issuer = ref.issuer!;
      if (req.url === `${path}/.well-known/openid-configuration`) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ issuer: issuer.url, jwks_uri: `${issuer.url}/jwks`, id_token_signing_alg_values_supported: [alg] }));
      } else if (req.url === `${path}/jwks`) {
        issuer.jwksFetches++;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ keys: issuer.#keys.map((k) => k.publicJwk) }));
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((r) => server.listen(0, host, r));
    const self = new TestIssuer(server, `http://${host}:${(server.address() as AddressInfo).port}${path}`, alg);
    ref.issuer = self;
    self.#signer = await self.newKey();
    self.#keys.push(self.#signer);
    return self;
  }

  /** A key of this issuer's algorithm, not published. */
  async newKey(kid = `k${Math.random().toString(36).slice(2, 10)}`): Promise<Key> {
    const { privateKey, publicKey } = await generateKeyPair(this.alg, { extractable: true });
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: this.alg, use: 'sig' };
    return { kid, alg: this.alg, privateKey, publicJwk };
  }

  /** The key tokens are signed with now. */
  get signer(): Key {
    return this.#signer!;
  }

  /** Publishes a new key, then signs with it: the order a careful issuer follows. `retire` drops the old ones. */
  async rotate(opts: { retire?: boolean } = {}): Promise<void> {
    const next = await this.newKey();
    this.#keys = opts.retire === true ? [next] : [...this.#keys, next];
    this.#signer = next;
  }

  async sign(opts: SignOptions = {}): Promise<string> {
    const key = opts.key ?? this.#signer!;
    const now = Math.floor(Date.now() / 1000);
    const jwt = new SignJWT({ ...opts.claims })
      .setProtectedHeader({ alg: key.alg, kid: opts.kid ?? key.kid, ...(opts.typ === undefined ? {} : { typ: opts.typ }) })
      .setIssuer(opts.issuer ?? this.url)
      .setSubject(opts.subject ?? 'ann')
      .setIssuedAt(now)
      .setExpirationTime(now + (opts.expiresIn ?? 300));
    if (opts.audience !== undefined) jwt.setAudience(opts.audience);
    if (opts.notBefore !== undefined) jwt.setNotBefore(now + opts.notBefore);
    return jwt.sign(key.privateKey);
  }

  close(): Promise<void> {
    return new Promise((r) => {
      this.server.closeAllConnections();
      this.server.close(() => r());
    });
  }
}

/** base64url of a JSON value, as a JWT's parts are written. */
export function b64url(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}
