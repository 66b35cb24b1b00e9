// The server's check of one call against its method's rule: verifies the credentials the call
// carries (a user's bearer token, the calling service's identity token), refuses what does not
// verify with `unauthenticated` and what verifies but is not allowed with `permission_denied`,
// and gives the handler the verified identity. A co-located call carries no token: its caller
// is this process. Answers at once when the tokens were verified before (the usual case).
import type { JWTPayload } from 'jose';
import { BricksError } from '../errors/bricks-error.ts';
import { AUTHORIZATION_HEADER, bearerToken, IDENTITY_HEADER, SERVICES_CLAIM, WWW_AUTHENTICATE_HEADER } from './headers.ts';
import { ANONYMOUS, type Identity, type ServiceIdentity, type UserIdentity } from './identity.ts';
import { needsUser, type MethodRule } from './policy.ts';
import { IssuerUnreachable, TokenRejected, type TokenVerifier } from './verifier.ts';

export type Transport = 'connect' | 'grpc' | 'fast' | 'in-process';

/** What a server knows to check its calls with. */
export interface AuthSetup {
  /** Verifies users' bearer tokens; undefined when the service names no issuer. */
  readonly user: TokenVerifier | undefined;
  /** Verifies platform identity tokens; undefined outside a platform. */
  readonly service: TokenVerifier | undefined;
  /** The caller of a co-located call: this process. */
  readonly self: ServiceIdentity | undefined;
  /** Rules by `package.Service/Method`. */
  readonly rules: Readonly<Record<string, MethodRule>>;
  /** The realm of WWW-Authenticate challenges: the service's name. */
  readonly realm: string;
}

export interface Guard {
  /** The caller's verified identity, or a BricksError thrown (or rejected with). */
  check(headers: Readonly<Record<string, string>>, transport: Transport): Identity | Promise<Identity>;
}

type Part<T> = T | undefined | Promise<T | undefined>;

/** The guard of one method. Every method gets one: a token a call carries is verified even where no rule asks for it. */
export function guardFor(setup: AuthSetup, method: string): Guard {
  const rule = setup.rules[method];
  const wantsUser = rule !== undefined && needsUser(rule);
  const callers = rule?.callers;
  // The rule's parts, read once rather than on every call.
  const scopes = rule?.scopes ?? [];
  const claims = Object.entries(rule?.claims ?? {});
  /** The last identity given, for the next call by the same caller (no object per call). */
  let last: Identity = ANONYMOUS;
  /**
   * The last credentials seen, as sent, and what they verified to: a steady caller's next call
   * compares one string per credential instead of cutting and looking up its token.
   */
  let lastAuthorization: string | undefined;
  let lastUser: UserIdentity | undefined;
  let lastIdentityToken: string | undefined;
  let lastService: ServiceIdentity | undefined;
  let lastServicePayload: JWTPayload | undefined;
  const payloads = new WeakMap<ServiceIdentity, JWTPayload>();
  const users = new WeakMap<JWTPayload, UserIdentity>();
  const services = new WeakMap<JWTPayload, ServiceIdentity>();
  const challenge = (error?: string, description?: string, scope?: string): Headers => {
    const params = [`realm="${setup.realm}"`];
    if (error !== undefined) params.push(`error="${error}"`);
    if (description !== undefined) params.push(`error_description="${description.replace(/["\\]/g, '')}"`);
    if (scope !== undefined) params.push(`scope="${scope}"`);
    return new Headers({ [WWW_AUTHENTICATE_HEADER]: `Bearer ${params.join(', ')}` });
  };
  const unauthenticated = (message: string, error?: string, description?: string): BricksError =>
    new BricksError('unauthenticated', `${method}: ${message}`, { metadata: challenge(error, description), unsent: true });

  const userPart = (headers: Readonly<Record<string, string>>): Part<UserIdentity> => {
    const raw = headers[AUTHORIZATION_HEADER];
    if (raw !== undefined && raw === lastAuthorization && lastUser !== undefined && setup.user?.current(lastUser.claims) === true) return lastUser;
    const token = bearerToken(raw);
    if (token === null) throw unauthenticated('the Authorization header is not a bearer token; send "Authorization: Bearer <token>"', 'invalid_request', 'not a bearer token');
    if (token === undefined) {
      if (wantsUser) throw unauthenticated(`needs a user's bearer token (Authorization: Bearer <token>) from ${setup.user?.issuer ?? 'the issuer in x-bricks.auth'}`);
      return undefined;
    }
    const verifier = setup.user;
    if (verifier === undefined) {
      if (wantsUser) throw unauthenticated('needs a user token, but this service names no issuer to verify it with: set x-bricks.auth.issuer');
      return undefined;
    }
    const user = settle(verifier, token, 'user', toUser);
    if (!(user instanceof Promise)) {
      lastAuthorization = raw;
      lastUser = user;
    }
    return user;
  };

  const servicePart = (headers: Readonly<Record<string, string>>, transport: Transport): Part<ServiceIdentity> => {
    if (transport === 'in-process') {
      if (setup.self === undefined && callers !== undefined) throw unauthenticated(`may be called only by ${callers.join(', ')}, and this process has no service identity (it runs outside a bricks platform)`);
      return setup.self;
    }
    const token = headers[IDENTITY_HEADER];
    if (token !== undefined && token === lastIdentityToken && lastService !== undefined && setup.service?.current(lastServicePayload!) === true) return lastService;
    if (token === undefined || token === '') {
      if (callers !== undefined) throw unauthenticated(`may be called only by ${callers.join(', ')}, and the call carries no service identity (an SDK client under bricks sends it)`);
      return undefined;
    }
    const verifier = setup.service;
    if (verifier === undefined) {
      if (callers !== undefined) throw unauthenticated('may be called only by some services, but this replica has no identity issuer to verify callers with (it runs outside a bricks platform)');
      return undefined;
    }
    const service = settle(verifier, token, 'service identity', toService);
    if (!(service instanceof Promise)) {
      lastIdentityToken = token;
      lastService = service;
      lastServicePayload = payloads.get(service);
    }
    return service;
  };

  // Made once per guard: the per-call path below creates no function (each would cost an
  // allocation, and under tsx a name-keeping wrapper).
  const toUser = (p: JWTPayload): UserIdentity => userOf(p, setup.user?.issuer ?? '', users);
  const toService = (p: JWTPayload): ServiceIdentity => {
    const s = serviceOf(p, services);
    payloads.set(s, p);
    return s;
  };
  const failure = (what: string, e: unknown): BricksError => {
    if (e instanceof TokenRejected) return unauthenticated(`the ${what} token is refused: ${e.message}`, 'invalid_token', e.message);
    if (e instanceof IssuerUnreachable) return new BricksError('unavailable', `${method}: cannot verify the ${what} token now: ${e.message}`, { cause: e, unsent: true });
    return BricksError.from(e, 'internal');
  };
  const settle = <T>(verifier: TokenVerifier, token: string, what: string, map: (p: JWTPayload) => T): T | Promise<T> => {
    let r: JWTPayload | Promise<JWTPayload>;
    try {
      r = verifier.verify(token);
    } catch (e) {
      throw failure(what, e);
    }
    if (!(r instanceof Promise)) return map(r);
    return r.then(map, (e: unknown) => {
      throw failure(what, e);
    });
  };

  const decide = (user: UserIdentity | undefined, service: ServiceIdentity | undefined): Identity => {
    if (rule !== undefined) {
      if (callers !== undefined && service !== undefined && !service.services.some((s) => callers.includes(s))) {
        throw new BricksError('permission_denied', `${method} may be called only by ${callers.join(', ')}; the caller is ${service.name}`, { unsent: true });
      }
      if (user !== undefined) {
        if (!hasAll(user.scopes, scopes)) {
          const missing = scopes.filter((s) => !user.scopes.includes(s));
          throw new BricksError('permission_denied', `${method} needs the scope ${missing.join(' ')}; the token has ${user.scopes.length === 0 ? 'none' : user.scopes.join(' ')}`, {
            metadata: challenge('insufficient_scope', undefined, (rule.scopes ?? []).join(' ')),
            unsent: true,
          });
        }
        for (const [claim, want] of claims) {
          const have = user.claims[claim];
          if (!(have === want || (Array.isArray(have) && have.includes(want)))) {
            throw new BricksError('permission_denied', `${method} needs the claim ${claim}=${JSON.stringify(want)}`, { unsent: true });
          }
        }
      }
    }
    if (user === undefined && service === undefined) return ANONYMOUS;
    if (last.user !== user || last.service !== service) last = { user, service };
    return last;
  };

  return {
    check(headers, transport) {
      const user = userPart(headers);
      const service = servicePart(headers, transport);
      if (!(user instanceof Promise) && !(service instanceof Promise)) return decide(user, service);
      return Promise.all([user, service]).then(([u, s]) => decide(u, s));
    },
  };
}

function hasAll(have: readonly string[], want: readonly string[]): boolean {
  for (const s of want) if (!have.includes(s)) return false;
  return true;
}

function userOf(p: JWTPayload, issuer: string, memo: WeakMap<JWTPayload, UserIdentity>): UserIdentity {
  let u = memo.get(p);
  if (u === undefined) {
    const scp = (p as { scp?: unknown }).scp;
    const scope = (p as { scope?: unknown }).scope;
    const scopes = typeof scope === 'string' ? scope.split(' ').filter((s) => s !== '') : Array.isArray(scp) ? scp.filter((s): s is string => typeof s === 'string') : typeof scp === 'string' ? scp.split(' ') : [];
    u = Object.freeze({ subject: p.sub ?? '', issuer, scopes: Object.freeze(scopes), claims: Object.freeze({ ...p }) });
    memo.set(p, u);
  }
  return u;
}

function serviceOf(p: JWTPayload, memo: WeakMap<JWTPayload, ServiceIdentity>): ServiceIdentity {
  let s = memo.get(p);
  if (s === undefined) {
    const name = p.sub ?? '';
    const listed = (p as Record<string, unknown>)[SERVICES_CLAIM];
    const services = Array.isArray(listed) ? listed.filter((x): x is string => typeof x === 'string') : [name];
    s = Object.freeze({ name, services: Object.freeze(services), via: 'token' as const });
    memo.set(p, s);
  }
  return s;
}
