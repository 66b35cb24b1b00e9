// Who may use the control API from a browser, decided from a request's headers alone (pure, so
// it is tested without a socket). The session cookie proves a login, but a cookie is sent by the
// browser whoever asks: SameSite=Strict does not separate ports, and every replica of the stack is
// a site on 127.0.0.1 too. So a state-changing request must also come from the dashboard's own
// origin (Origin, Sec-Fetch-Site) and carry the session's CSRF token, which only the dashboard's
// page can read. Host is checked on every request against DNS rebinding.
import { timingSafeEqual } from 'node:crypto';
import type { Session } from './sessions.ts';
import { CSRF_HEADER_NAME } from './ui/names.ts';

/** The header the page sends the session's CSRF token in. */
export const CSRF_HEADER = CSRF_HEADER_NAME;

export type Headers = Readonly<Record<string, string | readonly string[] | undefined>>;

export type Verdict =
  | { readonly kind: 'allowed'; readonly session: Session }
  /** No session (or not for this host): the login page, or 401. */
  | { readonly kind: 'no-session'; readonly reason: string }
  /** A session, but the request may not be the dashboard's own: 403. */
  | { readonly kind: 'refused'; readonly reason: string };

export interface GuardOptions {
  /** The dashboard's origins: http://127.0.0.1:PORT and http://localhost:PORT. */
  readonly origins: readonly string[];
  readonly cookieName: string;
  readonly findSession: (id: string) => Session | null;
}

const SAFE_METHODS = new Set(['GET', 'HEAD']);

export function header(headers: Headers, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? (v[0] as string | undefined) : (v as string | undefined);
}

export function cookieOf(headers: Headers, name: string): string | undefined {
  for (const part of (header(headers, 'cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function hostAllowed(headers: Headers, origins: readonly string[]): boolean {
  const host = header(headers, 'host');
  return host !== undefined && origins.some((o) => new URL(o).host === host);
}

export function checkRequest(method: string, headers: Headers, options: GuardOptions): Verdict {
  if (!hostAllowed(headers, options.origins)) return { kind: 'no-session', reason: `the dashboard answers only at ${options.origins.join(' or ')}` };
  const id = cookieOf(headers, options.cookieName);
  const session = id === undefined ? null : options.findSession(id);
  if (session === null) return { kind: 'no-session', reason: 'no dashboard session: open the login link that `bricks dashboard` prints' };
  if (SAFE_METHODS.has(method)) return { kind: 'allowed', session };
  const origin = header(headers, 'origin');
  if (origin === undefined || !options.origins.includes(origin)) {
    return { kind: 'refused', reason: `a ${method} from ${origin ?? 'a page with no Origin'} is not the dashboard's own (${options.origins.join(', ')})` };
  }
  const site = header(headers, 'sec-fetch-site');
  if (site !== undefined && site !== 'same-origin') return { kind: 'refused', reason: `a ${method} with Sec-Fetch-Site: ${site} is not the dashboard's own` };
  const given = Buffer.from(header(headers, CSRF_HEADER) ?? '');
  const expected = Buffer.from(session.csrf);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { kind: 'refused', reason: `a ${method} without the session's ${CSRF_HEADER} header` };
  }
  return { kind: 'allowed', session };
}
