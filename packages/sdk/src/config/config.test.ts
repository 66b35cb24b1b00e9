import assert from 'node:assert/strict';
import { test } from 'node:test';
import { z } from 'zod';
import { config, ConfigError, duration, parseDuration, readPlatformEnv, serviceUrlVariable } from './index.ts';
import { DISCOVERY_URL_VARIABLE, PORT_VARIABLE, REPLICA_VARIABLE, SERVICE_VARIABLE, SERVICES_VARIABLE } from './platform-env-names.js';

const schema = z.object({
  DATABASE_URL: z.url(),
  WORKERS: z.coerce.number().int().min(1).default(4),
  CACHE_TTL: duration.default(1000),
});

test('valid env gives typed values with defaults', () => {
  const c = config(schema, { DATABASE_URL: 'postgres://db/x', CACHE_TTL: '2s' });
  assert.deepEqual(c, { DATABASE_URL: 'postgres://db/x', WORKERS: 4, CACHE_TTL: 2000 });
});

test('the error names every bad variable and what was expected', () => {
  try {
    config(schema, { WORKERS: 'lots' });
    assert.fail('should throw');
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    assert.deepEqual(
      e.issues.map((i) => [i.variable, i.problem]),
      [
        ['DATABASE_URL', 'missing'],
        ['WORKERS', 'invalid'],
      ],
    );
    assert.match(e.message, /DATABASE_URL: is not set; expected/);
    assert.match(e.message, /WORKERS: .*number/i);
  }
});

test('durations', () => {
  assert.equal(parseDuration('250ms'), 250);
  assert.equal(parseDuration('1.5s'), 1500);
  assert.equal(parseDuration('2m'), 120_000);
  // One grammar with the stack file: a bare number has no unit and is refused.
  assert.equal(parseDuration('10'), undefined);
  assert.equal(parseDuration('soon'), undefined);
});

test('platform env: service urls, groups, discovery', () => {
  assert.equal(serviceUrlVariable('catalog-api'), 'CATALOG_API_URL');
  // One `_` per character, as every side (daemon, targets, clients) computes it.
  assert.equal(serviceUrlVariable('hi--score_2'), 'HI__SCORE_2_URL');
  const env = readPlatformEnv({
    [PORT_VARIABLE]: '7000',
    [SERVICE_VARIABLE]: 'catalog',
    [REPLICA_VARIABLE]: 'catalog.2',
    [SERVICES_VARIABLE]: 'catalog, scores',
    [DISCOVERY_URL_VARIABLE]: 'http://127.0.0.1:1/v1/discovery',
  });
  assert.equal(env.port, 7000);
  assert.equal(env.replica, 'catalog.2');
  assert.deepEqual(env.services, ['catalog', 'scores']);
  assert.equal(env.discoveryUrl, 'http://127.0.0.1:1/v1/discovery');
});
