// `bricks token`: a user token for local development, signed by the daemon's issuer (a stack's
// x-bricks.auth.issuer: local), so a service's rules can be tried without an OIDC provider.
// Printed alone on stdout: `TOKEN=$(bricks token --scope games:write)`.
import { userInfo } from 'node:os';
import { readDuration } from '@bricks/sdk/duration';
import type { GlobalOptions } from '../context.ts';
import { clientOf, fromApi, loadOrFail } from '../context.ts';
import { CliError } from '../errors.ts';

export interface TokenOptions extends GlobalOptions {
  readonly sub?: string;
  readonly scope: readonly string[];
  readonly aud: readonly string[];
  readonly ttl: string;
}

export async function token(options: TokenOptions): Promise<void> {
  const stack = await loadOrFail(options);
  const ttl = readDuration(options.ttl);
  if (!ttl.ok) throw new CliError('usage', `--ttl ${options.ttl}: ${ttl.message}`);
  const configured = stack.bricks.auth?.audience;
  const audience = options.aud.length > 0 ? [...options.aud] : configured === undefined ? [] : typeof configured === 'string' ? [configured] : [...configured];
  if (audience.length === 0) throw new CliError('usage', `bricks token needs an audience: --aud NAME, or x-bricks.auth.audience in ${stack.file}`);
  const api = await clientOf(options);
  const answer = await api
    .userToken({ subject: options.sub ?? userInfo().username, scopes: options.scope.flatMap((s) => s.split(' ')).filter((s) => s !== ''), audience, ttlMs: ttl.ms })
    .catch((e: unknown) => Promise.reject(fromApi(e)));
  console.log(answer.token);
}
