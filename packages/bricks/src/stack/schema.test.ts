// The table of bad stack files that the Compose schema and bricks' own readers refuse, each
// located at its line and column, and the normalized Compose form read back to the same model.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse as parseYamlText, stringify } from 'yaml';
import { formatProblem } from './model.ts';
import type { LoadResult, Problem, StackCheck } from './model.ts';
import { parseStack } from './load.ts';
import { stackToCompose } from './to-compose.ts';

const FILE = '/project/bricks.yaml';
const parse = (lines: readonly string[], check?: StackCheck): LoadResult => parseStack(lines.join('\n') + '\n', FILE, {}, () => null, check);

function problemsOf(lines: readonly string[], check?: StackCheck): readonly Problem[] {
  const r = parse(lines, check);
  assert.equal(r.ok, false, `expected the file to be rejected:\n${lines.join('\n')}`);
  return r.ok ? [] : r.problems;
}

/** Each row: a file, and the one problem it must have (code, line, col, path, message). */
const BAD: readonly { readonly name: string; readonly lines: readonly string[]; readonly want: readonly [Problem['code'], number, number, string, RegExp] }[] = [
  {
    name: 'a published port of 99999',
    lines: ['services:', '  a:', '    ports: ["99999:80"]'],
    want: ['value', 3, 13, 'services.a.ports[0]', /"99999:80": the host port must be a number from 1 to 65535/],
  },
  {
    name: 'a published port of 99999, long syntax',
    lines: ['services:', '  a:', '    ports:', '      - target: 80', '        published: 99999'],
    want: ['value', 5, 20, 'services.a.ports[0].published', /from 1 to 65535, got 99999/],
  },
  {
    name: 'a container port of 0',
    lines: ['services:', '  a:', '    ports: [0]'],
    want: ['value', 3, 13, 'services.a.ports[0]', /the container port must be a number from 1 to 65535/],
  },
  {
    name: 'a port range',
    lines: ['services:', '  a:', '    ports: ["8000-8010:8000-8010"]'],
    want: ['unsupported', 3, 13, 'services.a.ports[0]', /port ranges are not supported/],
  },
  {
    name: 'x-bricks.resilience.timeout: banana',
    lines: ['services:', '  a:', '    x-bricks:', '      resilience:', '        timeout: banana'],
    want: ['value', 5, 18, 'services.a.x-bricks.resilience.timeout', /cannot read "banana"; expected a duration such as "10s"/],
  },
  {
    name: 'a resilience timeout with no unit (one grammar with healthcheck.interval)',
    lines: ['services:', '  a:', '    x-bricks:', '      resilience: { targets: { b: { timeout: 500 } } }'],
    want: ['value', 4, 46, 'services.a.x-bricks.resilience.targets.b.timeout', /500 has no unit/],
  },
  {
    name: 'an unknown resilience key',
    lines: ['services:', '  a:', '    x-bricks:', '      resilience:', '        retrys: { max: 1 }'],
    want: ['unknown-key', 5, 9, 'services.a.x-bricks.resilience.retrys', /unknown key "retrys" in x-bricks.resilience/],
  },
  {
    name: 'an overload ceiling of 0',
    lines: ['services:', '  a:', '    x-bricks:', '      resilience:', '        overload: { maxConcurrency: 0 }'],
    want: ['value', 5, 37, 'services.a.x-bricks.resilience.overload.maxConcurrency', /expected number to be >=1|too small/i],
  },
  {
    name: 'an overload floor above its ceiling',
    lines: ['services:', '  a:', '    x-bricks:', '      resilience:', '        overload: { maxConcurrency: 10, minConcurrency: 20 }'],
    want: ['value', 5, 57, 'services.a.x-bricks.resilience.overload.minConcurrency', /minConcurrency must not be above maxConcurrency/],
  },
  {
    name: 'an unknown overload key',
    lines: ['services:', '  a:', '    x-bricks:', '      resilience:', '        overload: { max_concurrency: 10 }'],
    want: ['unknown-key', 5, 21, 'services.a.x-bricks.resilience.overload.max_concurrency', /unknown key "max_concurrency"/],
  },
  {
    name: 'a throttle window with no unit',
    lines: ['services:', '  a:', '    x-bricks:', '      resilience:', '        throttle: { window: 30 }'],
    want: ['value', 5, 29, 'services.a.x-bricks.resilience.throttle.window', /30 has no unit/],
  },
  {
    name: 'x-bricks.autoscale with min above max',
    lines: ['services:', '  a:', '    x-bricks:', '      autoscale: { min: 5, max: 2 }'],
    want: ['value', 4, 25, 'services.a.x-bricks.autoscale.min', /min \(5\) is above max \(2\)/],
  },
  {
    name: 'an autoscale panic window longer than its window',
    lines: ['services:', '  a:', '    x-bricks:', '      autoscale: { max: 4, window: 5s, panic_window: 10s }'],
    want: ['value', 4, 54, 'services.a.x-bricks.autoscale.panic_window', /panic_window is longer than window/],
  },
  {
    name: 'x-bricks.autoscale without max',
    lines: ['services:', '  a:', '    x-bricks:', '      autoscale: { min: 1 }'],
    want: ['value', 4, 18, 'services.a.x-bricks.autoscale', /needs max/],
  },
  {
    name: 'an unknown key inside deploy.update_config (the schema)',
    lines: ['services:', '  a:', '    deploy:', '      update_config:', '        paralelism: 2'],
    want: ['unknown-key', 5, 9, 'services.a.deploy.update_config.paralelism', /unknown key "paralelism" in services.a.deploy.update_config; did you mean "parallelism"\?/],
  },
  {
    name: 'a wrong type in a key bricks passes on (the schema)',
    lines: ['services:', '  a:', '    privileged: [yes]'],
    want: ['type', 3, 17, 'services.a.privileged', /expected true or false or a string, got a list/],
  },
  {
    name: 'a volume entry of the wrong kind (one of several shapes)',
    lines: ['services:', '  a:', '    volumes: [3]'],
    want: ['type', 3, 15, 'services.a.volumes[0]', /expected "SOURCE:TARGET\[:MODE\]" or a map, got the number 3/],
  },
  {
    name: 'a build that is neither a path nor a map (one of several shapes, the schema)',
    lines: ['services:', '  a:', '    build: 3'],
    want: ['type', 3, 12, 'services.a.build', /expected a string or a map, got the number 3/],
  },
  {
    name: 'an unknown key inside a long volume entry (the shape that fits)',
    lines: ['services:', '  a:', '    volumes:', '      - { type: volume, source: d, target: /d, readonly: true }', 'volumes:', '  d: {}'],
    want: ['unknown-key', 4, 48, 'services.a.volumes[0].readonly', /did you mean "read_only"\?/],
  },
  {
    name: 'an unknown key in a top-level network',
    lines: ['services:', '  a: {}', 'networks:', '  back:', '    drivr: overlay'],
    want: ['unknown-key', 5, 5, 'networks.back.drivr', /did you mean "driver"\?/],
  },
  {
    name: 'a secret that is not declared',
    lines: ['services:', '  a:', '    secrets: [db_password]'],
    want: ['reference', 3, 15, 'services.a.secrets[0]', /secret "db_password" is not declared at the top level/],
  },
  {
    name: 'a named volume that is not declared',
    lines: ['services:', '  a:', '    volumes: ["data:/data"]'],
    want: ['reference', 3, 15, 'services.a.volumes[0]', /volume "data" is not declared/],
  },
  {
    name: 'a secret with no source',
    lines: ['services:', '  a: {}', 'secrets:', '  pw: {}'],
    want: ['value', 4, 3, 'secrets.pw', /needs its value from file, environment, or external: true/],
  },
  {
    name: 'a memory size that is not one',
    lines: ['services:', '  a:', '    deploy:', '      resources:', '        limits: { memory: lots }'],
    want: ['type', 5, 27, 'services.a.deploy.resources.limits.memory', /expected a byte size such as "512m"/],
  },
  {
    name: 'an update order that does not exist',
    lines: ['services:', '  a:', '    deploy:', '      update_config: { order: sideways }'],
    want: ['value', 4, 31, 'services.a.deploy.update_config.order', /expected one of stop-first, start-first, got "sideways"/],
  },
  {
    name: 'an unknown x-bricks.update key',
    lines: ['services:', '  a:', '    x-bricks:', '      update: { parallelism: 1 }'],
    want: ['unknown-key', 4, 17, 'services.a.x-bricks.update.parallelism', /known keys are ready_timeout/],
  },
];

for (const row of BAD) {
  test(`refused: ${row.name}`, () => {
    const problems = problemsOf(row.lines);
    assert.equal(problems.length, 1, problems.map(formatProblem).join('\n'));
    const p = problems[0]!;
    const [code, line, col, path, message] = row.want;
    assert.deepEqual([p.code, p.line, p.col, p.path], [code, line, col, path], formatProblem(p));
    assert.match(p.message, message);
  });
}

test('every problem at once: the schema, bricks readers and the caller check, in file order', () => {
  const tooMany: StackCheck = (stack) =>
    Object.values(stack.services)
      .filter((s) => (s.replicas ?? 1) > 10)
      .map((s) => ({ code: 'limit' as const, at: ['services', s.name, 'deploy', 'replicas'], message: `${s.replicas} is too many` }));
  const problems = problemsOf(
    [
      'services:', // 1
      '  a:', // 2
      '    ports: ["99999:80"]', // 3 value
      '    deploy:', // 4
      '      replicas: 500', // 5 limit (the caller's check)
      '      update_config: { paralelism: 1 }', // 6 unknown key (schema)
      '    x-bricks:', // 7
      '      resilience: { timeout: banana }', // 8 duration
      '      autoscale: { min: 5, max: 2 }', // 9 min above max
    ],
    tooMany,
  );
  assert.deepEqual(
    problems.map((p) => [p.line, p.code, p.path]),
    [
      [3, 'value', 'services.a.ports[0]'],
      [6, 'unknown-key', 'services.a.deploy.update_config.paralelism'],
      [8, 'value', 'services.a.x-bricks.resilience.timeout'],
      [9, 'value', 'services.a.x-bricks.autoscale.min'],
    ],
    'the caller check runs only on a file that loads',
  );
  const limited = problemsOf(['services:', '  a:', '    deploy:', '      replicas: 500'], tooMany);
  assert.deepEqual(limited.map((p) => [p.line, p.col, p.code, p.path, p.message]), [[4, 7, 'limit', 'services.a.deploy.replicas', '500 is too many']]);
});

test('the normalized Compose form is valid Compose and loads back to the same model', () => {
  const lines = [
    'name: shop',
    'x-bricks: { base_port: 7200 }',
    'services:',
    '  web:',
    '    image: shop/web',
    '    command: node web.js --port 80',
    '    environment: [A=1]',
    '    ports: ["127.0.0.1:8080:80/tcp", 9090]',
    '    volumes: ["data:/var/data:ro", "./conf:/etc/conf", /tmp/cache]',
    '    secrets: [pw, { source: cert, target: tls.pem, mode: 0400 }]',
    '    networks: [back]',
    '    healthcheck: { test: ["CMD", "check"], interval: 1m30s, retries: 4 }',
    '    restart: on-failure:3',
    '    stop_grace_period: 20s',
    '    user: "1000"',
    '    deploy:',
    '      replicas: 3',
    '      endpoint_mode: dnsrr',
    '      update_config: { parallelism: 2, delay: 500ms, order: start-first, failure_action: rollback, monitor: 5s, max_failure_ratio: 0.5 }',
    '      rollback_config: { parallelism: 1 }',
    '      resources: { limits: { cpus: "0.5", memory: 512m }, reservations: { memory: 1g } }',
    '      placement: { constraints: [node.role==worker], preferences: [{ spread: node.labels.zone }] }',
    '      labels: { team: web }',
    '    depends_on: { api: { condition: service_healthy } }',
    '    x-bricks:',
    '      port: 80',
    '      group: edge',
    '      health: { ready: /ready, timeout: 2s }',
    '      autoscale: { min: 0, max: 4, cpu: 70, concurrency: 8, window: 20s, panic_window: 3s, scale_down_delay: 1m, idle: 45s, tolerance: 0.2 }',
    '      resilience: { timeout: 2s, retries: { max: 1, backoff: 50ms }, targets: { api: { timeout: 1m } } }',
    '      update: { ready_timeout: 45s }',
    '  api:',
    '    build: ./api',
    '    x-bricks: { run: npm start, health: /healthz }',
    '    healthcheck: { disable: true }',
    'volumes: { data: {} }',
    'networks: { back: { driver: overlay, attachable: true } }',
    'secrets: { pw: { file: ./pw.txt }, cert: { external: true, name: shop_cert } }',
    'configs: { conf: { content: hello } }',
  ];
  const first = parse(lines);
  assert.ok(first.ok, first.ok ? '' : first.problems.map(formatProblem).join('\n'));
  const text = stringify(stackToCompose(first.stack));
  const again = parseStack(text, FILE, {}, () => null);
  assert.ok(again.ok, again.ok ? '' : `${again.problems.map(formatProblem).join('\n')}\n${text}`);
  assert.deepEqual(again.stack, first.stack);
  // Durations keep their unit; entries are in their long form.
  const doc = parseYamlText(text) as { services: { web: { deploy: { update_config: { delay: string } }; ports: unknown[] } } };
  assert.equal(doc.services.web.deploy.update_config.delay, '500ms');
  assert.deepEqual(doc.services.web.ports[0], { target: 80, published: 8080, protocol: 'tcp', host_ip: '127.0.0.1' });
});
