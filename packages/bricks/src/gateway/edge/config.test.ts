import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LibraryService } from '../gen/bricks/gateway/test/v1/library_pb.ts';
import { bindingsOf } from '../rules.ts';
import { parseEdgePolicies } from './config.ts';
import { DEFAULT_BODY_LIMIT } from './defaults.ts';
import { EdgeError } from './errors.ts';
import { routePolicies, UNMATCHED } from './route-policy.ts';
import { readSize } from './size.ts';

const issuer = { issuer: 'https://id.example.com', audience: 'gateway' };

function refused(raw: unknown, message: RegExp): void {
  assert.throws(() => parseEdgePolicies(raw), (e: unknown) => e instanceof EdgeError && e.code === 'policy-invalid' && message.test(e.message));
}

test('sizes: bytes, decimal and binary units; an ambiguous or unknown unit is refused', () => {
  assert.deepEqual(readSize(1024), { ok: true, bytes: 1024 });
  assert.deepEqual(readSize('8MiB'), { ok: true, bytes: 8 * 1024 * 1024 });
  assert.deepEqual(readSize('64kB'), { ok: true, bytes: 64_000 });
  assert.deepEqual(readSize('1.5 MB'), { ok: true, bytes: 1_500_000 });
  assert.deepEqual(readSize('100'), { ok: true, bytes: 100 });
  assert.equal(readSize('8M').ok, false);
  assert.equal(readSize('-1').ok, false);
  assert.equal(readSize(1.5).ok, false);
});

test('policies parse with durations and sizes in the SDK grammar', () => {
  const p = parseEdgePolicies({
    auth: { ...issuer, scopes: ['read'] },
    cors: { origins: ['https://app.example.com'], maxAge: '1h', credentials: true },
    bodyLimit: '1MiB',
    rateLimit: { requests: 10, per: '1s' },
    headers: ['X-Tenant'],
    routes: { 'GET /v1/shelves/{shelf}': { auth: { public: true } }, 'bricks.gateway.test.v1.LibraryService/CreateBook': { bodyLimit: 100 } },
  });
  assert.equal(p.bodyLimit, 1024 * 1024);
  assert.equal(p.cors?.maxAge, 3_600_000);
  assert.equal(p.rateLimit?.per, 1000);
  assert.deepEqual(p.headers, ['x-tenant']);
});

test('a bad policy is refused with the path of its key', () => {
  refused({ bodyLimit: '8M' }, /^x-bricks\.gateway\.bodyLimit: "8M" has an unknown unit/);
  refused({ rateLimit: { requests: 5, per: '1 minute' } }, /^x-bricks\.gateway\.rateLimit\.per: cannot read "1 minute"; expected a duration/);
  refused({ rateLimit: { requests: 5, per: 10 } }, /rateLimit\.per: 10 has no unit/);
  refused({ cors: { origins: ['https://a.example.com/app'] } }, /^x-bricks\.gateway\.cors\.origins\[0\]: an origin is scheme:\/\/host\[:port\]/);
  refused({ cors: { origins: '*', credentials: true } }, /cors\.credentials: credentials: true cannot go with origins "\*"/);
  refused({ headers: ['bricks-identity'] }, /^x-bricks\.gateway\.headers\[0\]: bricks-identity cannot be passed on from callers/);
  refused({ headers: ['Authorization'] }, /headers\[0\]: authorization cannot be passed on/);
  refused({ routes: { 'GET /v1/x': { auth: { scopes: ['a'] } } } }, /^x-bricks\.gateway\.routes\["GET \/v1\/x"\]\.auth: this route needs a token, but no issuer is set/);
  refused({ routes: { 'get /v1/x': {} } }, /routes\["get \/v1\/x"\]: a route is "VERB \/template"/);
  refused({ auth: { ...issuer, public: true, scopes: ['a'] } }, /auth: public: true takes no scopes/);
  refused({ auth: { issuer: 'ftp://id', audience: 'g' } }, /auth\.issuer: issuer must be the http\(s\) URL/);
  refused({ ratelimit: {} }, /^x-bricks\.gateway: unknown key "ratelimit"/);
});

const bindings = bindingsOf(LibraryService);

test('a route key that names no rule or method is refused, with the ones there are', () => {
  assert.throws(
    () => routePolicies(parseEdgePolicies({ routes: { 'GET /v1/shelfs/{shelf}': {} } }), bindings),
    (e: unknown) => e instanceof EdgeError && /routes\["GET \/v1\/shelfs\/\{shelf\}"\]: no google\.api\.http rule .* GET \/v1\/shelves\/\{shelf\}/.test(e.message),
  );
  assert.throws(
    () => routePolicies(parseEdgePolicies({ routes: { 'bricks.gateway.test.v1.LibraryService/Nope': {} } }), bindings),
    (e: unknown) => e instanceof EdgeError && /no method with a google\.api\.http rule .*LibraryService\/GetShelf/.test(e.message),
  );
});

test('a route overrides the gateway: the rule key over the method key over the gateway', () => {
  const p = parseEdgePolicies({
    auth: { ...issuer, scopes: ['read'] },
    bodyLimit: '1KiB',
    rateLimit: { requests: 10, per: '1s', burst: 20 },
    headers: ['x-tenant'],
    cors: { origins: '*' },
    routes: {
      'GET /v1/shelves/{shelf}': { auth: { public: true }, rateLimit: false },
      'bricks.gateway.test.v1.LibraryService/GetBook': { auth: { scopes: ['books'] }, bodyLimit: 10, headers: [] },
      'GET /v1/books/{name}': { bodyLimit: 20, cors: false },
    },
  });
  const r = routePolicies(p, bindings);
  const shelf = r.byRoute.get('GET /v1/shelves/{shelf}')!;
  assert.deepEqual(shelf.auth, { kind: 'public' });
  assert.equal(shelf.rateLimit, null);
  assert.equal(shelf.bodyLimit, 1024);
  // Both bindings of GetBook take the method's keys; the additional binding's own key wins where it sets one.
  const book = r.byRoute.get('GET /v1/{name=shelves/*/books/*}')!;
  assert.deepEqual(book.auth, { kind: 'required', scopes: ['books'] });
  assert.equal(book.bodyLimit, 10);
  assert.deepEqual([...book.headers], []);
  assert.notEqual(book.cors, null);
  const alias = r.byRoute.get('GET /v1/books/{name}')!;
  assert.equal(alias.bodyLimit, 20);
  assert.deepEqual(alias.auth, { kind: 'required', scopes: ['books'] });
  assert.equal(alias.cors, null);
  const other = r.byRoute.get('PUT /v1/shelves/{shelf}')!;
  assert.deepEqual(other.auth, { kind: 'required', scopes: ['read'] });
  assert.deepEqual(other.rateLimit, { capacity: 20, ratePerMs: 10 / 1000 });
  assert.deepEqual([...other.headers], ['x-tenant']);
  // A preflight's default methods are the verbs of the route's template.
  assert.deepEqual(other.cors?.methods, ['GET', 'PUT']);
  assert.equal(r.unmatched.route, UNMATCHED);
});

test('without policies every route is public, with the default body limit and nothing passed on', () => {
  const r = routePolicies(parseEdgePolicies(undefined), bindings);
  for (const p of r.byRoute.values()) {
    assert.deepEqual(p.auth, { kind: 'public' });
    assert.equal(p.bodyLimit, DEFAULT_BODY_LIMIT);
    assert.equal(p.rateLimit, null);
    assert.equal(p.cors, null);
    assert.equal(p.headers.size, 0);
  }
});

test('a gateway that is public by default still guards the routes that name scopes', () => {
  const r = routePolicies(parseEdgePolicies({ auth: { ...issuer, public: true }, routes: { 'POST /v1/shelves/{shelf}/books': { auth: { scopes: ['write'] } } } }), bindings);
  assert.deepEqual(r.byRoute.get('GET /v1/shelves/{shelf}')!.auth, { kind: 'public' });
  assert.deepEqual(r.byRoute.get('POST /v1/shelves/{shelf}/books')!.auth, { kind: 'required', scopes: ['write'] });
});
