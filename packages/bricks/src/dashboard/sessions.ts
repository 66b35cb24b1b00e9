// The dashboard's login codes and sessions, in the daemon's memory. A code is what `bricks up`
// prints in the login URL: random, used once, short-lived. Redeeming it opens a session, named by
// the cookie the browser keeps; each session has its own CSRF token. Only hashes are kept as keys,
// so a lookup's timing says nothing about a secret.
import { createHash, randomBytes } from 'node:crypto';

/** Long enough to open a browser and paste the link; short enough that one in scrollback is dead. */
export const LOGIN_CODE_TTL_MS = 5 * 60_000;
/** A working day: a daemon restart ends sessions sooner (they live in its memory only). */
export const SESSION_TTL_MS = 12 * 3600_000;
/** 32 bytes, as the API token: no guessing within any session's life. */
const SECRET_BYTES = 32;

export interface Session {
  /** The cookie's value. */
  readonly id: string;
  /** What the page sends in the CSRF header with every state-changing request. */
  readonly csrf: string;
  readonly expiresAt: number;
}

export interface LoginCode {
  readonly code: string;
  readonly expiresAt: number;
}

export interface SessionOptions {
  readonly now?: () => number;
  readonly secret?: () => string;
  readonly codeTtlMs?: number;
  readonly sessionTtlMs?: number;
}

const hash = (secret: string): string => createHash('sha256').update(secret).digest('hex');

export class Sessions {
  private readonly codes = new Map<string, number>();
  private readonly sessions = new Map<string, Session>();
  private readonly now: () => number;
  private readonly secret: () => string;
  private readonly codeTtlMs: number;
  private readonly sessionTtlMs: number;

  constructor(options: SessionOptions = {}) {
    this.now = options.now ?? Date.now;
    this.secret = options.secret ?? (() => randomBytes(SECRET_BYTES).toString('base64url'));
    this.codeTtlMs = options.codeTtlMs ?? LOGIN_CODE_TTL_MS;
    this.sessionTtlMs = options.sessionTtlMs ?? SESSION_TTL_MS;
  }

  issueCode(): LoginCode {
    this.sweep();
    const code = this.secret();
    const expiresAt = this.now() + this.codeTtlMs;
    this.codes.set(hash(code), expiresAt);
    return { code, expiresAt };
  }

  /** A new session for a code that was issued, is unused and has not expired; else null. The code is spent either way. */
  redeem(code: string): Session | null {
    const key = hash(code);
    const expiresAt = this.codes.get(key);
    this.codes.delete(key);
    if (expiresAt === undefined || expiresAt <= this.now()) return null;
    const session: Session = { id: this.secret(), csrf: this.secret(), expiresAt: this.now() + this.sessionTtlMs };
    this.sessions.set(hash(session.id), session);
    return session;
  }

  find(id: string): Session | null {
    const key = hash(id);
    const session = this.sessions.get(key);
    if (session === undefined) return null;
    if (session.expiresAt <= this.now()) {
      this.sessions.delete(key);
      return null;
    }
    return session;
  }

  end(id: string): void {
    this.sessions.delete(hash(id));
  }

  /** Forgets what expired, so unredeemed codes do not pile up over a long-running daemon. */
  private sweep(): void {
    const now = this.now();
    for (const [k, at] of this.codes) if (at <= now) this.codes.delete(k);
    for (const [k, s] of this.sessions) if (s.expiresAt <= now) this.sessions.delete(k);
  }
}
