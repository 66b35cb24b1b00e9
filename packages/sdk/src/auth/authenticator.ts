// A server's authentication, made once from its environment: the verifiers of user tokens
// (x-bricks.auth's issuer) and of platform identity tokens, the rules per method, and who this
// process is for co-located calls. The dispatcher asks it for each method's guard.
import type { DescService } from '@bufbuild/protobuf';
import {
  AUTH_VARIABLE, IDENTITY_ISSUER_VARIABLE, IDENTITY_JWKS_VARIABLE, SERVICE_VARIABLE, SERVICES_VARIABLE,
} from '../config/platform-env-names.js';
import { guardFor, type AuthSetup, type Guard } from './guard.ts';
import { IDENTITY_TOKEN_TYPE } from './headers.ts';
import { discoveredKeys, fileKeys, type KeySource } from './key-source.ts';
import { AuthConfigError, DEFAULT_ALGORITHMS, DEFAULT_CLOCK_SKEW_MS, LOCAL_ISSUER, needsUser, parseAuth } from './policy.ts';
import { TokenVerifier } from './verifier.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** Platform identity tokens are signed ES256 by the daemon (or by each service's own key on an engine). */
const IDENTITY_ALGORITHMS = ['ES256'];

export class Authenticator {
  constructor(readonly setup: AuthSetup) {}

  /** Whether any method is guarded or any token can be verified: otherwise calls go unchecked, at no cost. */
  get active(): boolean {
    return this.setup.user !== undefined || this.setup.service !== undefined || Object.keys(this.setup.rules).length > 0;
  }

  /** The guard of a method (`package.Service/Method`), or undefined when nothing is to be checked. */
  guard(method: string): Guard | undefined {
    return this.active ? guardFor(this.setup, method) : undefined;
  }

  /** Refuses a rule that names a method the service does not have: a typo must not leave a method open. */
  served(service: DescService): void {
    const prefix = `${service.typeName}/`;
    const methods = new Set(service.methods.map((m) => m.name));
    for (const name of Object.keys(this.setup.rules)) {
      if (name.startsWith(prefix) && !methods.has(name.slice(prefix.length))) {
        throw new AuthConfigError(`x-bricks.auth.methods names ${name}, which ${service.typeName} does not have; its methods are ${[...methods].join(', ')}`);
      }
    }
  }
}

export interface AuthSources {
  /** Keys of user tokens' issuer; default: its discovery document. */
  readonly userKeys?: KeySource;
  /** Keys of identity tokens; default: BRICKS_IDENTITY_JWKS's file, else the issuer's discovery. */
  readonly identityKeys?: KeySource;
  readonly now?: () => number;
}

/** From the replica's environment (BRICKS_AUTH, BRICKS_IDENTITY_ISSUER, BRICKS_SERVICE ...). Throws AuthConfigError. */
export function authenticatorFromEnv(env: Env, sources: AuthSources = {}): Authenticator {
  const spec = parseAuth(env[AUTH_VARIABLE], AUTH_VARIABLE);
  const service = env[SERVICE_VARIABLE] || undefined;
  const members = (env[SERVICES_VARIABLE] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  const names = members.length > 0 ? members : service === undefined ? [] : [service];
  const clockSkewMs = spec.clockSkew ?? DEFAULT_CLOCK_SKEW_MS;
  const rules = spec.methods ?? {};
  const now = sources.now;

  let user: TokenVerifier | undefined;
  if (spec.issuer === LOCAL_ISSUER) throw new AuthConfigError(`x-bricks.auth.issuer is ${LOCAL_ISSUER}, the bricks daemon's development issuer, but this replica runs without one: run it with bricks up, or name an OIDC issuer`);
  if (spec.issuer !== undefined) {
    const audience = spec.audience === undefined ? names : typeof spec.audience === 'string' ? [spec.audience] : spec.audience;
    if (audience.length === 0) throw new AuthConfigError('x-bricks.auth names an issuer but no audience, and the service has no name to default to: set x-bricks.auth.audience');
    user = new TokenVerifier({
      issuer: spec.issuer,
      audience,
      algorithms: spec.algorithms ?? DEFAULT_ALGORITHMS,
      clockSkewMs,
      keys: sources.userKeys ?? discoveredKeys(spec.issuer, now === undefined ? {} : { now }),
      refusedType: IDENTITY_TOKEN_TYPE,
      ...(now === undefined ? {} : { now }),
    });
  } else {
    const needing = Object.entries(rules).filter(([, r]) => needsUser(r)).map(([m]) => m);
    if (needing.length > 0) throw new AuthConfigError(`x-bricks.auth.methods ${needing.join(', ')} need a user token, but no issuer is set: add x-bricks.auth.issuer`);
  }

  let identity: TokenVerifier | undefined;
  const issuer = env[IDENTITY_ISSUER_VARIABLE] || undefined;
  if (issuer !== undefined && names.length > 0) {
    const jwks = env[IDENTITY_JWKS_VARIABLE] || undefined;
    identity = new TokenVerifier({
      issuer,
      // A token is for the service it calls: one another service was given cannot be replayed here.
      audience: names,
      algorithms: IDENTITY_ALGORITHMS,
      clockSkewMs,
      keys: sources.identityKeys ?? (jwks !== undefined ? fileKeys(jwks) : discoveredKeys(issuer, now === undefined ? {} : { now })),
      type: IDENTITY_TOKEN_TYPE,
      // A file of every service's own public key (an engine): each key signs only for its service.
      subjectIsKeyOwner: jwks !== undefined,
      ...(now === undefined ? {} : { now }),
    });
  }

  return new Authenticator({
    user,
    service: identity,
    self: service === undefined ? undefined : Object.freeze({ name: service, services: Object.freeze(names), via: 'in-process' as const }),
    rules,
    realm: service ?? 'bricks',
  });
}
