// What a client adds to a remote call: its service's identity token for the service it calls,
// unless the caller set one itself. One token source per environment (the process's, or a
// test's own env), so the files are read once, not per client.
import { IDENTITY_HEADER } from './headers.ts';
import { tokensFromEnv, type TokenSource } from './token-source.ts';

type Env = Readonly<Record<string, string | undefined>>;

const sources = new WeakMap<Env, TokenSource | null>();

/** `headers` (a fresh record of the call's own), with the identity token for `target` when there is one. */
export function withIdentity(headers: Record<string, string>, target: string, env: Env): Record<string, string> {
  let source = sources.get(env);
  if (source === undefined) {
    source = tokensFromEnv(env) ?? null;
    sources.set(env, source);
  }
  if (source === null || headers[IDENTITY_HEADER] !== undefined) return headers;
  const token = source.token(target);
  if (token !== undefined) headers[IDENTITY_HEADER] = token;
  return headers;
}
