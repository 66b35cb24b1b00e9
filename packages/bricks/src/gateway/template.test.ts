// Path templates: the grammar's forms parse into segments and variables; malformed ones say why.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GatewayError } from './errors.ts';
import { compareSpecificity, parseTemplate, shapeOf } from './template.ts';

test('literals, variables with and without patterns, ** and a verb', () => {
  const t = parseTemplate('/v1/{name=shelves/*/books/*}:archive');
  assert.equal(t.verb, 'archive');
  assert.deepEqual(t.segments.map((s) => s.kind), ['literal', 'literal', 'wildcard', 'literal', 'wildcard']);
  assert.deepEqual(t.variables, [{ fieldPath: ['name'], start: 1, end: 5, multiSegment: true }]);
  const nested = parseTemplate('/v1/{book.name}/x/{rest=**}');
  assert.deepEqual(nested.variables.map((v) => [v.fieldPath, v.start, v.end, v.multiSegment]), [
    [['book', 'name'], 1, 2, false],
    [['rest'], 3, 4, true],
  ]);
  assert.equal(shapeOf(nested), '/v1/*/x/**');
  assert.equal(shapeOf(parseTemplate('/a/*/b')), '/a/*/b');
});

test('malformed templates are rule-invalid with the reason', () => {
  for (const [text, why] of [
    ['v1/x', /start with "\/"/],
    ['/v1/**/x', /last segment/],
    ['/v1/{a', /without "}"/],
    ['/v1/{a={b}}', /cannot hold another/],
    ['/v1//x', /empty segment/],
    ['/v1/{a-b}', /not a field path/],
    ['/v1/{a}/{a}', /bound twice/],
    ['/v1/x:', /verb/],
  ] as const) {
    assert.throws(() => parseTemplate(text), (e: unknown) => e instanceof GatewayError && e.code === 'rule-invalid' && why.test(e.message), text);
  }
});

test('a literal beats *, * beats **, an end beats **, a verb beats none', () => {
  const order = ['/v1/a:do', '/v1/a/b', '/v1/a/*', '/v1/a', '/v1/a/**', '/v1/*/b', '/v1/**'];
  const sorted = [...order].reverse().sort((x, y) => compareSpecificity(parseTemplate(x), parseTemplate(y)));
  assert.deepEqual(sorted, order);
});
