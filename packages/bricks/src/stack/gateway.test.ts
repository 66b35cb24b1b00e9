// x-bricks.gateway as the stack file says it: read into the model with its path resolved and
// the program's health paths, and every mistake named at its file:line:col.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { formatProblem } from './index.ts';
import type { LoadResult } from './index.ts';
import { parseStack } from './load.ts';
import { stackToCompose } from './to-compose.ts';

const dir = mkdtempSync(join(tmpdir(), 'bricks-stack-gateway-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'api.binpb'), '');
const FILE = join(dir, 'bricks.yaml');
const parse = (lines: readonly string[]): LoadResult => parseStack(lines.join('\n') + '\n', FILE, {}, () => '');

test('x-bricks.gateway: the descriptor set resolved, the services and policies kept, the program\'s probes', () => {
  const r = parse([
    'services:',
    '  api:',
    '    ports: ["8080:8080"]',
    '    x-bricks:',
    '      gateway:',
    '        descriptors: ./api.binpb',
    '        services: [arcade.v1.CatalogService, arcade.v1.ScoresService]',
    '        policies: { cors: { origins: ["*"] } }',
    '  plain:',
    '    x-bricks: { gateway: { descriptors: api.binpb }, health: { ready: /ok } }',
  ]);
  assert.ok(r.ok, r.ok ? '' : r.problems.map(formatProblem).join('\n'));
  const api = r.stack.services['api'];
  assert.deepEqual(api?.bricks.gateway, { descriptors: join(dir, 'api.binpb'), services: ['arcade.v1.CatalogService', 'arcade.v1.ScoresService'], policies: { cors: { origins: ['*'] } } });
  assert.equal(api?.run, null);
  assert.deepEqual(api?.health.readiness, { kind: 'http', path: '/readyz' });
  assert.deepEqual(api?.health.liveness, { kind: 'http', path: '/healthz' });
  // The service's own x-bricks.health wins key by key.
  assert.deepEqual(r.stack.services['plain']?.health.readiness, { kind: 'http', path: '/ok' });
  assert.deepEqual(r.stack.services['plain']?.health.liveness, { kind: 'http', path: '/healthz' });
  // `bricks config` writes it back, and that loads into the same model.
  const doc = stackToCompose(r.stack) as { services: Record<string, Record<string, unknown>> };
  assert.deepEqual((doc.services['api']?.['x-bricks'] as Record<string, unknown>)['gateway'], api?.bricks.gateway);
});

test('x-bricks.gateway mistakes are named where they are written', () => {
  const r = parse([
    'services:',
    '  a: { x-bricks: { gateway: { services: [x.v1.A] } } }',
    '  b: { x-bricks: { gateway: { descriptors: missing.binpb } } }',
    '  c: { x-bricks: { gateway: { descriptors: api.binpb, services: ["not a name"] } } }',
    '  d: { x-bricks: { gateway: { descriptors: api.binpb, services: [] } } }',
    '  e: { x-bricks: { gateway: { descriptors: api.binpb, routes: {} } } }',
    '  f: { x-bricks: { gateway: { descriptors: api.binpb }, run: node main.js } }',
    '  g: { image: postgres:16, x-bricks: { gateway: { descriptors: api.binpb } } }',
    '  h: { x-bricks: { gateway: { descriptors: api.binpb, policies: [1] } } }',
  ]);
  const problems = r.ok ? [] : r.problems.map(formatProblem);
  const has = (re: RegExp): void => assert.ok(problems.some((p) => re.test(p)), `${re} in\n${problems.join('\n')}`);
  has(/bricks\.yaml:2:\d+: services\.a\.x-bricks\.gateway: x-bricks\.gateway needs descriptors/);
  has(/bricks\.yaml:3:\d+: services\.b\.x-bricks\.gateway\.descriptors: .*missing\.binpb does not exist; write it with buf build -o missing\.binpb/);
  has(/bricks\.yaml:4:\d+: services\.c\.x-bricks\.gateway\.services\[0\]: "not a name" is not a service's full name/);
  has(/bricks\.yaml:5:\d+: services\.d\.x-bricks\.gateway\.services: services is empty/);
  has(/bricks\.yaml:6:\d+: services\.e\.x-bricks\.gateway\.routes: unknown key/);
  has(/bricks\.yaml:7:\d+: services\.f\.x-bricks\.gateway: a gateway runs bricks' gateway program, so it cannot also be given x-bricks\.run/);
  has(/bricks\.yaml:8:\d+: services\.g\.x-bricks\.gateway: .*cannot also be a backing service/);
  has(/bricks\.yaml:9:\d+: services\.h\.x-bricks\.gateway\.policies: expected a map of edge policies/);
});
