// The dashboard as the control API's listener serves it: the login (a one-time code exchanged for
// a session cookie), the app's shell and its assets, and the admission of /v1 requests that carry
// a session instead of the API token (guard.ts decides).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from '../platform/api/errors.ts';
import type { WebFront } from '../platform/api/server.ts';
import type { Assets } from './assets.ts';
import { checkRequest, cookieOf, hostAllowed } from './guard.ts';
import type { GuardOptions } from './guard.ts';
import { ASSET_CSS, ASSET_JS, loginPage, shellPage } from './pages.ts';
import { Sessions } from './sessions.ts';
import type { LoginCode } from './sessions.ts';

export const LOGIN_PATH = '/login';
export const LOGOUT_PATH = '/logout';

export interface DashboardOptions {
  /** The control API's URL: http://127.0.0.1:PORT. */
  readonly apiUrl: string;
  readonly stack: string;
  readonly assets: () => Promise<Assets>;
  readonly sessions?: Sessions;
}

/** The page may load only its own script and style, and may not be framed (clickjacking). */
const PAGE_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  // The login URL's code must not travel on in a Referer.
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
} as const;

export class Dashboard implements WebFront {
  readonly sessions: Sessions;
  private readonly guard: GuardOptions;
  private assetsOnce: Promise<Assets> | null = null;

  constructor(private readonly options: DashboardOptions) {
    this.sessions = options.sessions ?? new Sessions();
    const { port } = new URL(options.apiUrl);
    this.guard = {
      origins: [`http://127.0.0.1:${port}`, `http://localhost:${port}`],
      // Cookies ignore ports: each daemon's dashboard (one per project) has a cookie of its own.
      cookieName: `bricks_dashboard_${port}`,
      findSession: (id) => this.sessions.find(id),
    };
  }

  /** A one-time login URL, for `bricks up` and `bricks dashboard` to print. */
  loginUrl(): LoginCode & { readonly url: string } {
    const code = this.sessions.issueCode();
    return { ...code, url: `${this.options.apiUrl}${LOGIN_PATH}?code=${encodeURIComponent(code.code)}` };
  }

  admit(req: IncomingMessage): void {
    const verdict = checkRequest(req.method ?? 'GET', req.headers, this.guard);
    switch (verdict.kind) {
      case 'allowed':
        return;
      case 'no-session':
        throw new ApiError('unauthenticated', `missing or wrong token: read it from .bricks/token of the project (${verdict.reason})`);
      case 'refused':
        throw new ApiError('forbidden', verdict.reason);
    }
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const method = req.method ?? 'GET';
    if (!hostAllowed(req.headers, this.guard.origins)) return this.page(res, 421, loginPage(this.options.stack, `This dashboard answers only at ${this.guard.origins[0] ?? ''}.`));
    if (method === 'GET' && (url.pathname === ASSET_JS || url.pathname === ASSET_CSS)) {
      this.assetsOnce ??= this.options.assets();
      const assets = await this.assetsOnce.catch((err: unknown) => {
        this.assetsOnce = null;
        throw ApiError.from(err);
      });
      const js = url.pathname === ASSET_JS;
      res.writeHead(200, { 'content-type': js ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8', 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' });
      res.end(js ? assets.js : assets.css);
      return;
    }
    if (method === 'GET' && url.pathname === LOGIN_PATH) return this.login(res, url.searchParams.get('code') ?? '');
    if (method === 'POST' && url.pathname === LOGOUT_PATH) {
      this.admit(req);
      const id = cookieOf(req.headers, this.guard.cookieName);
      if (id !== undefined) this.sessions.end(id);
      res.writeHead(303, { location: '/', 'set-cookie': `${this.guard.cookieName}=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0`, ...PAGE_HEADERS });
      res.end();
      return;
    }
    if (method !== 'GET') throw new ApiError('not-found', `${method} ${url.pathname} is not part of the dashboard`);
    // Every other path is the app (it routes by the URL's hash).
    const verdict = checkRequest(method, req.headers, this.guard);
    if (verdict.kind !== 'allowed') return this.page(res, 401, loginPage(this.options.stack, 'You are not logged in.'));
    return this.page(res, 200, shellPage(this.options.stack, verdict.session.csrf));
  }

  private login(res: ServerResponse, code: string): void {
    const session = this.sessions.redeem(code);
    if (session === null) return this.page(res, 401, loginPage(this.options.stack, 'That login link is wrong, already used or expired.'));
    // To a URL without the code, so it stays in no history, bookmark or screenshot.
    res.writeHead(303, { location: '/', 'set-cookie': `${this.guard.cookieName}=${session.id}; HttpOnly; SameSite=Strict; Path=/`, ...PAGE_HEADERS });
    res.end();
  }

  private page(res: ServerResponse, status: number, html: string): void {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...PAGE_HEADERS });
    res.end(html);
  }
}
