// Who is calling, as a handler sees it: only ever made by the SDK's server from tokens it
// verified, or from the process itself for a co-located call; no header can set it.

/** A user, from a verified OIDC/JWT bearer token. */
export interface UserIdentity {
  /** The token's `sub`. */
  readonly subject: string;
  readonly issuer: string;
  /** From `scope` (space-separated) or `scp`. */
  readonly scopes: readonly string[];
  /** Every claim of the token, as verified. */
  readonly claims: Readonly<Record<string, unknown>>;
}

/** A service of the stack, from a verified platform identity token, or the process itself in-process. */
export interface ServiceIdentity {
  /** The unit that called: a service, or the `x-bricks.group` whose process made the call. */
  readonly name: string;
  /** The services that process serves (a group's members; else just `name`). */
  readonly services: readonly string[];
  /** `token`: a verified identity token; `in-process`: a co-located call, which carries none. */
  readonly via: 'token' | 'in-process';
}

export interface Identity {
  readonly user: UserIdentity | undefined;
  readonly service: ServiceIdentity | undefined;
}

export const ANONYMOUS: Identity = Object.freeze({ user: undefined, service: undefined });
