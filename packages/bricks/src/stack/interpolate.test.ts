import assert from 'node:assert/strict';
import { test } from 'node:test';
import { interpolate } from './interpolate.ts';

const env: Record<string, string> = { NAME: 'bricks', EMPTY: '', PORT: '8080' };
const lookup = (n: string): string | undefined => env[n];

function value(input: string): string {
  const r = interpolate(input, lookup);
  assert.ok(r.ok, `${input}: ${r.ok ? '' : r.message}`);
  return r.value;
}

function failure(input: string): string {
  const r = interpolate(input, lookup);
  assert.equal(r.ok, false, input);
  return r.ok ? '' : r.message;
}

test('substitutes $VAR and ${VAR}; $$ is a literal $', () => {
  assert.equal(value('$NAME-${NAME}'), 'bricks-bricks');
  assert.equal(value('cost: $$5 and $${NAME}'), 'cost: $5 and ${NAME}');
  assert.equal(value('no dollars'), 'no dollars');
  assert.equal(value('${PORT}0'), '80800');
});

test('defaults: :- covers unset and empty, - only unset', () => {
  assert.equal(value('${MISSING:-fallback}'), 'fallback');
  assert.equal(value('${EMPTY:-fallback}'), 'fallback');
  assert.equal(value('${MISSING-fallback}'), 'fallback');
  assert.equal(value('${EMPTY-fallback}'), '');
  assert.equal(value('${NAME:-fallback}'), 'bricks');
  assert.equal(value('${MISSING:-${NAME}-x}'), 'bricks-x');
  assert.equal(value('${MISSING:-}'), '');
});

test('alternatives: :+ when set and non-empty, + when set', () => {
  assert.equal(value('${NAME:+yes}'), 'yes');
  assert.equal(value('${EMPTY:+yes}'), '');
  assert.equal(value('${EMPTY+yes}'), 'yes');
  assert.equal(value('${MISSING+yes}'), '');
});

test('required: :? fails on unset or empty, ? only on unset, with the message', () => {
  assert.equal(failure('${MISSING:?set MISSING first}'), 'required variable MISSING is not set: set MISSING first');
  assert.equal(failure('${EMPTY:?need it}'), 'required variable EMPTY is empty: need it');
  assert.equal(value('${EMPTY?need it}'), '');
  assert.equal(failure('${MISSING?}'), 'required variable MISSING is not set');
  assert.equal(value('${NAME:?x}'), 'bricks');
});

test('defaults are evaluated only when used', () => {
  assert.equal(value('${NAME:-${MISSING:?never evaluated}}'), 'bricks');
});

test('unset variables become empty and are reported', () => {
  const r = interpolate('a${MISSING}b$ALSO_MISSING', lookup);
  assert.deepEqual(r, { ok: true, value: 'ab', unset: ['MISSING', 'ALSO_MISSING'] });
});

test('malformed templates are errors', () => {
  assert.match(failure('${NAME'), /never closed/);
  assert.match(failure('${}'), /does not start with a variable name/);
  assert.match(failure('${NAME:x}'), /expected \$\{NAME\}, \$\{NAME:-default\}/);
  assert.match(failure('price $5'), /write "\$\$" for a literal "\$"/);
  assert.match(failure('trailing $'), /a "\$" must start/);
});
