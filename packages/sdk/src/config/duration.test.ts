import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatDuration, parseDuration, readDuration } from './duration.ts';

test('reads Go-style durations into milliseconds', () => {
  const cases: [string, number][] = [
    ['10s', 10_000],
    ['500ms', 500],
    ['1m30s', 90_000],
    ['1h', 3_600_000],
    ['1.5s', 1500],
    ['2us', 0.002],
    ['1h2m3s4ms', 3_723_004],
    ['0', 0],
    [' 5s ', 5000],
  ];
  for (const [text, ms] of cases) assert.deepEqual(readDuration(text), { ok: true, ms }, text);
});

test('a bare number is rejected except 0, as Docker Compose does', () => {
  assert.deepEqual(readDuration(0), { ok: true, ms: 0 });
  const r = readDuration(10);
  assert.equal(r.ok, false);
  assert.match(!r.ok ? r.message : '', /10 has no unit; expected a duration such as "10s"/);
  const s = readDuration('10');
  assert.match(!s.ok ? s.message : '', /"10" has no unit/);
});

test('rejects unknown units, negatives and garbage', () => {
  for (const text of ['10d', '-5s', 'soon', '', '1s2', 's']) {
    assert.equal(readDuration(text).ok, false, text);
    assert.equal(parseDuration(text), undefined, text);
  }
});

test('formatDuration writes what readDuration reads back', () => {
  const cases: [number, string][] = [[0, '0s'], [250, '250ms'], [1500, '1500ms'], [10_000, '10s'], [90_000, '1m30s'], [3_600_000, '1h'], [3_723_000, '1h2m3s']];
  for (const [ms, text] of cases) {
    assert.equal(formatDuration(ms), text);
    assert.equal(parseDuration(text), ms, text);
  }
});
