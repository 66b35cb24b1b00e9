import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelay } from './backoff.ts';
import { defaultOverload, defaultPolicy, defaultThrottle, encodeResilience, parseResilience, PolicyError, resolveOverload, resolvePolicy, resolveThrottle } from './policy.ts';
import { RetryBudget } from './retry-budget.ts';
import { retryVerdict } from './retryable.ts';
import { BricksError } from '../errors/index.ts';

const example =
  '{"timeout":"2s","retries":{"max":3,"backoff":"50ms"},"circuitBreaker":{"failures":5,"halfOpenAfter":"5s"},"bulkhead":{"maxConcurrent":100},"targets":{"catalog":{"timeout":"500ms"}},"methods":{"catalog.v1.CatalogService/ListGames":{"timeout":"300ms"}}}';

test('the brief example parses; method beats target beats top level beats defaults', () => {
  const spec = parseResilience(example);
  const top = resolvePolicy(spec, 'scores', 'scores.v1.ScoresService/TopScores');
  assert.equal(top.timeoutMs, 2000);
  assert.deepEqual(top.retries, { max: 3, backoffMs: 50, maxBackoffMs: defaultPolicy.retries.maxBackoffMs });
  assert.deepEqual(top.circuitBreaker, { failures: 5, halfOpenAfterMs: 5000 });
  assert.equal(top.bulkhead.maxConcurrent, 100);
  assert.equal(resolvePolicy(spec, 'catalog', 'catalog.v1.CatalogService/GetGame').timeoutMs, 500);
  assert.equal(resolvePolicy(spec, 'catalog', '/catalog.v1.CatalogService/ListGames').timeoutMs, 300);
});

test('no configuration gives the defaults, with a finite timeout', () => {
  const p = resolvePolicy(parseResilience(undefined), 'x', 'a.B/C');
  assert.deepEqual(p, defaultPolicy);
  assert.ok(Number.isFinite(p.timeoutMs) && p.timeoutMs > 0);
});

test('invalid policies are rejected with the path of the mistake', () => {
  assert.throws(() => parseResilience('{"timeout":"soon"}'), (e: unknown) => e instanceof PolicyError && /resilience\.timeout/.test(e.message));
  assert.throws(() => parseResilience('{"targets":{"a":{"retries":{"max":-1}}}}'), /resilience\.targets\.a\.retries\.max/);
  assert.throws(() => parseResilience('{"retrys":{}}'), PolicyError);
  assert.throws(() => parseResilience('{'), /not valid JSON/);
  // The stack file's duration grammar: a bare number has no unit.
  assert.throws(() => parseResilience('{"timeout":500}'), /resilience\.timeout: 500 has no unit/);
});

test('encodeResilience writes what parseResilience reads back', () => {
  const spec = parseResilience(example);
  assert.deepEqual(parseResilience(encodeResilience(spec)), spec);
  assert.match(encodeResilience(spec), /"timeout":"2s"/);
});

test('the retry budget allows at most ratio × calls extra, plus the initial tokens', () => {
  const b = new RetryBudget(0.2, 10);
  let retries = 0;
  for (let i = 0; i < 1000; i++) {
    b.onCall();
    while (b.tryRetry()) retries++;
  }
  assert.ok(retries <= 0.2 * 1000 + 10, `retries ${retries}`);
  assert.ok(retries >= 0.2 * 1000 - 1, `retries ${retries}`);
});

test('back-off grows exponentially, is capped and jittered', () => {
  assert.equal(backoffDelay(0, 100, 1000, () => 0.999999), 99);
  assert.equal(backoffDelay(3, 100, 1000, () => 0.999999), 799);
  assert.equal(backoffDelay(10, 100, 1000, () => 0.5), 500);
  assert.equal(backoffDelay(2, 100, 1000, () => 0), 0);
});

test('retry verdicts: unsent always, idempotent only for transient codes, never otherwise', () => {
  assert.equal(retryVerdict(new BricksError('unavailable', 'x', { unsent: true }), false), 'unsent');
  assert.equal(retryVerdict(new BricksError('unavailable', 'x'), false), 'no');
  assert.equal(retryVerdict(new BricksError('unavailable', 'x'), true), 'idempotent');
  assert.equal(retryVerdict(new BricksError('not_found', 'x'), true), 'no');
  assert.equal(retryVerdict(new BricksError('deadline_exceeded', 'x'), true), 'no');
});

test('overload and throttle: defaults when unset, overrides when set, and their durations survive the trip to a replica', () => {
  assert.deepEqual(resolveOverload({}), defaultOverload);
  assert.deepEqual(resolveThrottle({}), defaultThrottle);
  const spec = parseResilience(encodeResilience(parseResilience('{"overload":{"maxConcurrency":8,"slack":"20ms"},"throttle":{"accepts":3,"window":"10s"}}')));
  const o = resolveOverload(spec);
  assert.equal(o.maxConcurrency, 8);
  assert.equal(o.minConcurrency, 8, 'the default floor is lowered to the ceiling');
  assert.equal(o.initialConcurrency, 8, 'the initial limit is within the ceiling');
  assert.equal(o.slackMs, 20);
  assert.deepEqual(resolveThrottle(spec), { enabled: true, accepts: 3, windowMs: 10_000 });
  assert.equal(resolveOverload(parseResilience('{"overload":{"enabled":false}}')).enabled, false);
  assert.throws(() => parseResilience('{"overload":{"maxConcurrency":2,"minConcurrency":3}}'), /resilience\.overload\.minConcurrency: minConcurrency must not be above maxConcurrency/);
});
