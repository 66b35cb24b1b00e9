// The dashboard's login and its guard, over a real loopback listener: a one-time code becomes a
// session cookie; a session reads the API, and changes state only from the dashboard's own origin
// with its CSRF token.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { listenApi } from '../platform/api/server.ts';
import type { ApiServer } from '../platform/api/server.ts';
import { CSRF_HEADER, Dashboard, Sessions } from './index.ts';

interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

function call(url: string, method: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('dashboard login and guard', () => {
  let server: ApiServer;
  let dashboard: Dashboard;
  let now = 1_000_000;
  const scaled: unknown[] = [];

  before(async () => {
    server = await listenApi('the-api-token');
    dashboard = new Dashboard({ apiUrl: server.url, stack: 'demo', assets: async () => ({ js: 'console.log(1)', css: 'body{}' }), sessions: new Sessions({ now: () => now }) });
    server.serve(
      [
        { method: 'GET', path: '/v1/status', handler: async () => ({ kind: 'json', body: { stack: 'demo' } }) },
        { method: 'POST', path: '/v1/scale', handler: async (req) => (scaled.push(req.body), { kind: 'json', body: { ok: true } }) },
      ],
      dashboard,
    );
  });
  after(() => server.close());

  const login = async (): Promise<{ cookie: string; csrf: string }> => {
    const res = await call(dashboard.loginUrl().url, 'GET');
    assert.equal(res.status, 303);
    assert.equal(res.headers.location, '/');
    const setCookie = String(res.headers['set-cookie']);
    assert.match(setCookie, /HttpOnly/);
    assert.match(setCookie, /SameSite=Strict/);
    assert.match(setCookie, /Path=\//);
    const cookie = setCookie.split(';')[0]!;
    const page = await call(`${server.url}/`, 'GET', { cookie });
    assert.equal(page.status, 200);
    const csrf = /name="bricks-csrf" content="([^"]+)"/.exec(page.body)?.[1];
    assert.ok(csrf !== undefined, 'the shell carries the CSRF token');
    assert.ok(!page.body.includes('the-api-token'), 'the API token never reaches the page');
    return { cookie, csrf };
  };

  it('shows the login page without a session, and refuses a wrong code', async () => {
    const page = await call(`${server.url}/`, 'GET');
    assert.equal(page.status, 401);
    assert.match(page.body, /bricks dashboard/);
    const wrong = await call(`${server.url}/login?code=not-a-code`, 'GET');
    assert.equal(wrong.status, 401);
    assert.equal(wrong.headers['set-cookie'], undefined);
    assert.match(wrong.body, /wrong, already used or expired/);
    assert.equal((await call(`${server.url}/v1/status`, 'GET')).status, 401);
  });

  it('opens a session once per code, and not after the code expired', async () => {
    const { url } = dashboard.loginUrl();
    assert.equal((await call(url, 'GET')).status, 303);
    assert.equal((await call(url, 'GET')).status, 401, 'a code is single-use');
    const late = dashboard.loginUrl().url;
    now += 5 * 60_000 + 1;
    assert.equal((await call(late, 'GET')).status, 401, 'an expired code is refused');
  });

  it('lets a session read the API and change state only from its own origin with its CSRF token', async () => {
    const { cookie, csrf } = await login();
    const status = await call(`${server.url}/v1/status`, 'GET', { cookie });
    assert.equal(status.status, 200);
    const body = JSON.stringify({ service: 'web', replicas: 2 });
    const json = { cookie, 'content-type': 'application/json' };
    const crossSite = await call(`${server.url}/v1/scale`, 'POST', { ...json, origin: 'http://127.0.0.1:1', 'sec-fetch-site': 'same-site', [CSRF_HEADER]: csrf }, body);
    assert.equal(crossSite.status, 403);
    const noToken = await call(`${server.url}/v1/scale`, 'POST', { ...json, origin: server.url }, body);
    assert.equal(noToken.status, 403);
    const noOrigin = await call(`${server.url}/v1/scale`, 'POST', { ...json, [CSRF_HEADER]: csrf }, body);
    assert.equal(noOrigin.status, 403);
    assert.equal(scaled.length, 0);
    const own = await call(`${server.url}/v1/scale`, 'POST', { ...json, origin: server.url, 'sec-fetch-site': 'same-origin', [CSRF_HEADER]: csrf }, body);
    assert.equal(own.status, 200);
    assert.deepEqual(scaled, [{ service: 'web', replicas: 2 }]);
  });

  it('answers only for its own host (DNS rebinding), and serves its assets', async () => {
    const { cookie } = await login();
    assert.equal((await call(`${server.url}/`, 'GET', { cookie, host: 'evil.example:80' })).status, 421);
    assert.equal((await call(`${server.url}/v1/status`, 'GET', { cookie, host: 'evil.example:80' })).status, 401);
    const js = await call(`${server.url}/assets/dashboard.js`, 'GET');
    assert.equal(js.status, 200);
    assert.match(String(js.headers['content-type']), /javascript/);
  });

  it('still takes the API token, from any origin', async () => {
    assert.equal((await call(`${server.url}/v1/status`, 'GET', { authorization: 'Bearer the-api-token' })).status, 200);
  });
});
