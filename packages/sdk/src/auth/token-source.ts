// The calling side of service identity: the token a client sends to the service it calls.
// Locally the daemon writes one token per audience into the replica's identity folder and
// renews it at half its life; this reads a file when first needed and again once the token it
// holds is three quarters through its life, so a renewed one is picked up long before expiry.
// A call reads a cached string: no file system access per call.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { IDENTITY_DIR_VARIABLE } from '../config/platform-env-names.js';

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

/** This replica's identity tokens, when the platform gives it any. */
export function tokensFromEnv(env: Readonly<Record<string, string | undefined>>): TokenSource | undefined {
  const dir = env[IDENTITY_DIR_VARIABLE];
  return dir === undefined || dir === '' ? undefined : fileTokens(dir);
}
