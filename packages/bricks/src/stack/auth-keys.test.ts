// x-bricks.auth and x-bricks.secret_rotation in a stack file: read with the SDK's schema,
// every problem located, a rule that needs user tokens refused without an issuer, and the keys
// written back by `bricks config` so that loading its output gives the same model; a secret's
// inline value is never in what config prints.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatProblem, stackToJson } from './index.ts';
import type { LoadResult } from './index.ts';
import { parseStack } from './load.ts';
import { stackToCompose } from './to-compose.ts';
import { stringify } from 'yaml';

const FILE = '/project/bricks.yaml';
const parse = (lines: readonly string[]): LoadResult => parseStack(lines.join('\n') + '\n', FILE, {}, () => null);

const STACK = [
  'x-bricks:',
  '  auth: { issuer: "https://id.example/realms/arcade", audience: arcade, clockSkew: 5s }',
  'services:',
  '  catalog:',
  '    x-bricks:',
  '      run: node server.js',
  '      secret_rotation: in-place',
  '      auth:',
  '        methods:',
  '          arcade.v1.CatalogService/CreateGame: { callers: [gateway], scopes: ["games:write"] }',
];

test('x-bricks.auth is read with the SDK schema, the top level and the service each', () => {
  const r = parse(STACK);
  assert.ok(r.ok, r.ok ? '' : r.problems.map(formatProblem).join('\n'));
  assert.deepEqual(r.stack.bricks.auth, { issuer: 'https://id.example/realms/arcade', audience: 'arcade', clockSkew: 5000 });
  const c = r.stack.services['catalog']!.bricks;
  assert.deepEqual(c.auth, { methods: { 'arcade.v1.CatalogService/CreateGame': { callers: ['gateway'], scopes: ['games:write'] } } });
  assert.equal(c.secretRotation, 'in-place');
});

test('bricks config writes the keys back as they load', () => {
  const r = parse(STACK);
  assert.ok(r.ok);
  const again = parseStack(stringify(stackToCompose(r.stack)), FILE, {}, () => null);
  assert.ok(again.ok, again.ok ? '' : again.problems.map(formatProblem).join('\n'));
  assert.deepEqual(again.stack.services['catalog']!.bricks, r.stack.services['catalog']!.bricks);
  assert.deepEqual(again.stack.bricks, r.stack.bricks);
});

test('problems in x-bricks.auth name file:line:col and the key', () => {
  const r = parse([
    'services:',
    '  catalog:',
    '    x-bricks:',
    '      run: node server.js',
    '      secret_rotation: sometimes',
    '      auth:',
    '        methods:',
    '          CreateGame: { callers: [gateway] }',
    '          arcade.v1.CatalogService/ListGames: { scopes: [read], roles: [x] }',
  ]);
  assert.equal(r.ok, false);
  const lines = r.ok ? [] : r.problems.map(formatProblem);
  assert.ok(lines.some((l) => l.startsWith('/project/bricks.yaml:5:') && l.includes('secret_rotation') && l.includes('in-place')), lines.join('\n'));
  assert.ok(lines.some((l) => l.startsWith('/project/bricks.yaml:8:11:') && l.includes('package.Service/Method')), lines.join('\n'));
  assert.ok(lines.some((l) => l.startsWith('/project/bricks.yaml:9:') && l.includes('unknown key "roles"')), lines.join('\n'));
});

test('a rule that needs a user token without any issuer is refused where it is written', () => {
  const r = parse([
    'services:',
    '  catalog:',
    '    x-bricks:',
    '      run: node server.js',
    '      auth:',
    '        methods:',
    '          arcade.v1.CatalogService/CreateGame: { scopes: ["games:write"] }',
    '          arcade.v1.CatalogService/GetGame: { callers: [gateway] }',
  ]);
  assert.equal(r.ok, false);
  const problems = r.ok ? [] : r.problems;
  assert.equal(problems.length, 1, problems.map(formatProblem).join('\n'));
  assert.match(formatProblem(problems[0]!), /^\/project\/bricks\.yaml:7:11: services\.catalog\.x-bricks\.auth\.methods\.arcade\.v1\.CatalogService\/CreateGame: this rule needs a user token, but no issuer/);
});

test('rules at the top level are refused: they are per service', () => {
  const r = parse(['x-bricks:', '  auth:', '    methods: { a.B/C: { user: true } }', 'services:', '  a: { x-bricks: { run: x } }']);
  assert.equal(r.ok, false);
  assert.match(r.ok ? '' : r.problems.map(formatProblem).join('\n'), /bricks\.yaml:3:5: x-bricks\.auth\.methods: rules are per service/);
});

test("a secret's inline value is never in bricks config's output", () => {
  const r = parse(['services:', '  a: { x-bricks: { run: x }, secrets: [k] }', 'secrets:', '  k: { environment: K }']);
  assert.ok(r.ok);
  const stack = { ...r.stack, secrets: { k: { kind: 'content' as const, content: 'hunter2-value' } } };
  assert.ok(!stringify(stackToCompose(stack)).includes('hunter2-value'));
  assert.ok(!JSON.stringify(stackToJson(stack)).includes('hunter2-value'));
});
