import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDotenv } from './dotenv.ts';

const lookup = (n: string): string | undefined => ({ HOME: '/home/me', FROM_ENV: 'env' })[n];

test('reads KEY=VAL lines with comments, export, quotes and interpolation', () => {
  const text = [
    '# a comment',
    '',
    'PLAIN=value',
    'export EXPORTED=yes',
    'SPACED = padded   # trailing comment',
    'HASH=a#b',
    "SINGLE='$HOME stays'",
    'DOUBLE="tab\\there ${HOME}"',
    'ESCAPED="\\$HOME"',
    'MULTI="line1',
    'line2"',
    'REF=${PLAIN}-2',
    'FROM_ENV',
    'NOT_IN_ENV',
    'EMPTY=',
  ].join('\n');
  const r = parseDotenv(text, lookup);
  assert.deepEqual(r.problems, []);
  assert.deepEqual(Object.fromEntries(r.vars), {
    PLAIN: 'value',
    EXPORTED: 'yes',
    SPACED: 'padded',
    HASH: 'a#b',
    SINGLE: '$HOME stays',
    DOUBLE: 'tab\there /home/me',
    ESCAPED: '$HOME',
    MULTI: 'line1\nline2',
    REF: 'value-2',
    FROM_ENV: 'env',
    EMPTY: '',
  });
});

test('reports bad lines with their position', () => {
  const r = parseDotenv(['OK=1', '=novalue', 'BAD VALUE', 'Q="open', 'R=${X:?need X}'].join('\n'), lookup);
  assert.deepEqual(
    r.problems.map((p) => [p.code, p.pos.line, p.pos.col]),
    [
      ['syntax', 2, 1],
      ['syntax', 3, 1],
      ['syntax', 4, 3],
      ['interpolation', 5, 3],
    ],
  );
  assert.match(r.problems[3]!.message, /required variable X is not set: need X/);
});
