import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { findStackFile, formatProblem, loadStack, stackToJson } from './index.ts';
import type { LoadResult, Problem, Service, Stack } from './index.ts';
import { parseStack } from './load.ts';

const FILE = '/project/bricks.yaml';

function parse(lines: readonly string[], env: Record<string, string> = {}, files: Record<string, string> = {}): LoadResult {
  return parseStack(lines.join('\n') + '\n', FILE, env, (p) => files[p] ?? null);
}

function stackOf(lines: readonly string[], env?: Record<string, string>, files?: Record<string, string>): Stack {
  const r = parse(lines, env, files);
  assert.ok(r.ok, r.ok ? '' : r.problems.map(formatProblem).join('\n'));
  return r.stack;
}

function serviceOf(lines: readonly string[], name: string, env?: Record<string, string>): Service {
  const s = stackOf(lines, env).services[name];
  assert.ok(s, `no service ${name}`);
  return s;
}

function problemsOf(lines: readonly string[], env?: Record<string, string>, files?: Record<string, string>): readonly Problem[] {
  const r = parse(lines, env, files);
  assert.equal(r.ok, false, 'expected the file to be rejected');
  return r.ok ? [] : r.problems;
}

/** The only problem, checked for where it is and what it says. */
function only(problems: readonly Problem[], expected: Omit<Problem, 'message' | 'file'> & { message: RegExp }): void {
  assert.equal(problems.length, 1, problems.map(formatProblem).join('\n'));
  const [p] = problems;
  assert.deepEqual({ code: p!.code, line: p!.line, col: p!.col, path: p!.path }, {
    code: expected.code,
    line: expected.line,
    col: expected.col,
    path: expected.path,
  });
  assert.match(p!.message, expected.message);
  assert.equal(p!.file, FILE);
}

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'bricks-stack-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// ---- good files ----

test('the fixture stack: every supported key, .env, env_file, anchors', async () => {
  const dir = new URL('./fixtures/good/', import.meta.url).pathname;
  const r = await loadStack({ file: 'bricks.yaml', cwd: dir, env: { FROM_SHELL: 'yes', REGION: 'ap' } });
  assert.ok(r.ok, r.ok ? '' : r.problems.map(formatProblem).join('\n'));
  assert.deepEqual(r.warnings, []);
  const { stack } = r;
  assert.equal(stack.name, 'arcade-test');
  assert.equal(stack.file, join(dir, 'bricks.yaml'));
  assert.deepEqual(Object.keys(stack.services), ['gateway', 'catalog', 'scores', 'thumbnails']);
  assert.deepEqual(stack.bricks, { basePort: 7000 });

  const gateway = stack.services.gateway!;
  assert.deepEqual(gateway.run, { kind: 'argv', argv: ['node', 'server file.js', '--port', '8080'] });
  assert.equal(gateway.workingDir, join(dir, 'gateway'));
  assert.equal(gateway.bricks.port, 8081);
  assert.deepEqual(gateway.environment, {
    API_KEY: 'abc123',
    QUOTED: 'line one\nline two',
    LITERAL: 'no $expansion here',
    LOG_LEVEL: 'debug', // environment wins over env_file
    REF: 'abc123-suffix',
    FROM_SHELL: 'yes',
    GREETING: 'hello $USER',
  });
  // restart: on-failure:5 comes through the `<<: *common` merge.
  assert.deepEqual(gateway.restart, { condition: 'on-failure', maxAttempts: 5 });
  assert.deepEqual(gateway.health, {
    readiness: { kind: 'http', path: '/healthz' },
    liveness: { kind: 'http', path: '/healthz' },
    timing: { intervalMs: 90_000, timeoutMs: 500, retries: 5, startPeriodMs: 2000, startIntervalMs: 250 },
  });
  assert.equal(gateway.stopGracePeriodMs, 30_000);
  assert.deepEqual(gateway.dependsOn, [{ service: 'catalog', condition: 'service_started' }]);
  assert.deepEqual(gateway.bricks, { port: 8081, group: 'edge' });
  assert.deepEqual(gateway.ports, [{ target: 8080, published: 8080, protocol: 'tcp' }]);
  assert.equal(gateway.image, 'arcade/gateway:latest');

  const catalog = stack.services.catalog!;
  assert.deepEqual(catalog.run, { kind: 'shell', script: 'npm start --workspace catalog' });
  assert.deepEqual(catalog.environment, { DB_POOL: '4', DEBUG: 'true' }); // EMPTY: unset everywhere, dropped
  assert.equal(catalog.replicas, 3); // ${CATALOG_REPLICAS} from .env
  assert.deepEqual(catalog.restart, { condition: 'on-failure', delayMs: 2000, maxAttempts: 3, windowMs: 60_000 });
  assert.deepEqual(catalog.deploy.resources, { limits: { cpus: 0.5 } });
  assert.deepEqual(catalog.build, { context: './catalog' });
  assert.deepEqual(catalog.bricks.resilience, { timeout: 2000, retries: { max: 2 } });
  assert.equal(catalog.bricks.readyTimeoutMs, 20_000);
  assert.deepEqual(catalog.health.readiness, { kind: 'http', path: '/ready' });
  assert.deepEqual(catalog.health.liveness, { kind: 'http', path: '/live' });
  assert.equal(catalog.health.timing.intervalMs, 2000);
  assert.deepEqual(catalog.dependsOn, [{ service: 'scores', condition: 'service_healthy' }]);
  assert.deepEqual(catalog.bricks.autoscale, { min: 1, max: 4 });
  assert.deepEqual(catalog.passthrough, {});

  const scores = stack.services.scores!;
  assert.deepEqual(scores.run, { kind: 'argv', argv: ['node', 'scores.js'] }); // x-bricks.run over command
  assert.deepEqual(scores.command, { kind: 'argv', argv: ['scores.js', '--verbose'] });
  assert.deepEqual(scores.passthrough, { entrypoint: ['node'] });
  assert.equal(scores.restart.condition, 'none');
  assert.deepEqual(scores.health.readiness, { kind: 'none' });
  assert.deepEqual(scores.health.liveness, { kind: 'none' });

  const thumbnails = stack.services.thumbnails!;
  assert.equal(thumbnails.run, null);
  assert.equal(thumbnails.replicas, 0);
  assert.equal(thumbnails.workingDir, dir.replace(/\/$/, ''));
});

test('a bare service: what the file does not say stays unset', () => {
  const s = serviceOf(['services:', '  api:', '    command: node api.js'], 'api');
  assert.deepEqual(s, {
    name: 'api',
    run: { kind: 'argv', argv: ['node', 'api.js'] },
    command: { kind: 'argv', argv: ['node', 'api.js'] },
    environment: {},
    workingDir: '/project',
    deploy: {},
    health: { readiness: { kind: 'tcp' }, liveness: { kind: 'tcp' }, timing: {} },
    restart: {},
    dependsOn: [],
    ports: [],
    volumes: [],
    secrets: [],
    configs: [],
    networks: [],
    bricks: {},
    passthrough: {},
  });
  assert.equal(stackOf(['services:', '  api: {}']).name, 'project'); // the directory's name
});

test('environment: list form and map form, KEY without value from the environment', () => {
  const env = { FROM_ENV: 'e' };
  const list = serviceOf(['services:', '  a:', '    environment:', '      - A=1', '      - B=x=y', '      - C=', '      - FROM_ENV', '      - NOT_SET'], 'a', env);
  assert.deepEqual(list.environment, { A: '1', B: 'x=y', C: '', FROM_ENV: 'e' });
  const map = serviceOf(['services:', '  a:', '    environment:', '      A: 1', '      B: true', '      C: ""', '      FROM_ENV:', '      NOT_SET:', '      D: 1.5'], 'a', env);
  assert.deepEqual(map.environment, { A: '1', B: 'true', C: '', FROM_ENV: 'e', D: '1.5' });
});

test('env_file: string or list, relative to the stack file, environment wins, optional files may be missing', () => {
  const files = { '/project/a.env': 'A=from-a\nB=from-a\n', '/project/conf/b.env': 'B=from-b\nC=${A_VAR:-dflt}\n' };
  const one = stackOf(['services:', '  s:', '    env_file: a.env'], {}, files).services.s!;
  assert.deepEqual(one.environment, { A: 'from-a', B: 'from-a' });
  const many = stackOf(
    ['services:', '  s:', '    env_file:', '      - a.env', '      - path: conf/b.env', '      - path: nope.env', '        required: false', '    environment:', '      A: mine'],
    {},
    files,
  ).services.s!;
  assert.deepEqual(many.environment, { A: 'mine', B: 'from-b', C: 'dflt' });
  const missing = problemsOf(['services:', '  s:', '    env_file:', '      - a.env', '      - gone.env'], {}, files);
  only(missing, { code: 'missing-file', line: 5, col: 9, path: 'services.s.env_file[1]', message: /env file "gone.env" not found \(looked at \/project\/gone.env\)/ });
});

test('command: a string is split into argv like Compose, a list is argv; x-bricks.run string is a shell script', () => {
  assert.deepEqual(serviceOf(['services:', '  a:', '    command: ["node", "a.js"]'], 'a').run, { kind: 'argv', argv: ['node', 'a.js'] });
  assert.deepEqual(serviceOf(['services:', '  a:', `    command: node -e 'console.log(1)'`], 'a').run, {
    kind: 'argv',
    argv: ['node', '-e', 'console.log(1)'],
  });
  assert.deepEqual(serviceOf(['services:', '  a:', '    command: x', '    x-bricks:', '      run: npm run dev && echo $$PORT'], 'a').run, {
    kind: 'shell',
    script: 'npm run dev && echo $PORT',
  });
  only(problemsOf(['services:', '  a:', '    command: make && run']), {
    code: 'value',
    line: 3,
    col: 14,
    path: 'services.a.command',
    message: /shell syntax \("&"\)/,
  });
});

test('health: healthcheck test forms, x-bricks.health shorthand and map, NONE and disable', () => {
  const health = (lines: string[]): Service['health'] => serviceOf(['services:', '  a:', ...lines], 'a').health;
  const cmd = health(['    healthcheck:', '      test: ["CMD", "curl", "-f", "http://x/"]']);
  assert.deepEqual(cmd.readiness, { kind: 'exec', command: { kind: 'argv', argv: ['curl', '-f', 'http://x/'] } });
  assert.deepEqual(cmd.liveness, cmd.readiness);
  const shell = health(['    healthcheck:', '      test: ["CMD-SHELL", "curl -f http://x/ || exit 1"]']);
  assert.deepEqual(shell.readiness, { kind: 'exec', command: { kind: 'shell', script: 'curl -f http://x/ || exit 1' } });
  const plain = health(['    healthcheck:', '      test: pg_isready']);
  assert.deepEqual(plain.liveness, { kind: 'exec', command: { kind: 'shell', script: 'pg_isready' } });
  const none = health(['    healthcheck:', '      test: ["NONE"]']);
  assert.deepEqual([none.readiness, none.liveness], [{ kind: 'none' }, { kind: 'none' }]);
  // x-bricks ready path for readiness, the healthcheck for liveness; x-bricks timing wins.
  const mixed = health([
    '    healthcheck:',
    '      test: ["CMD", "check"]',
    '      interval: 5s',
    '      retries: 0',
    '    x-bricks:',
    '      health: { ready: /ready, timeout: 2s, start_period: 1s }',
  ]);
  assert.deepEqual(mixed.readiness, { kind: 'http', path: '/ready' });
  assert.deepEqual(mixed.liveness, { kind: 'exec', command: { kind: 'argv', argv: ['check'] } });
  assert.deepEqual(mixed.timing, { intervalMs: 5000, timeoutMs: 2000, startPeriodMs: 1000 });
  const liveOnly = health(['    x-bricks:', '      health:', '        live: /healthz']);
  assert.deepEqual([liveOnly.readiness, liveOnly.liveness], [{ kind: 'tcp' }, { kind: 'http', path: '/healthz' }]);
});

test('restart: service-level restart maps onto the policy; deploy.restart_policy wins', () => {
  const cond = (value: string): string | undefined => serviceOf(['services:', '  a:', `    restart: ${value}`], 'a').restart.condition;
  assert.deepEqual(['no', '"no"', 'always', 'unless-stopped', 'on-failure'].map(cond), ['none', 'none', 'any', 'any', 'on-failure']);
  assert.equal(serviceOf(['services:', '  a:', '    restart: on-failure:4'], 'a').restart.maxAttempts, 4);
  const both = serviceOf(
    ['services:', '  a:', '    restart: "no"', '    deploy:', '      restart_policy:', '        condition: any', '        delay: 20s', '        max_attempts: 0'],
    'a',
  );
  assert.deepEqual(both.restart, { condition: 'any', delayMs: 20_000 });
});

test('depends_on: map form, optional targets, service_completed_successfully is a warning', () => {
  const r = parse([
    'services:',
    '  a:',
    '    depends_on:',
    '      b: { condition: service_healthy, restart: true }',
    '      c: { condition: service_completed_successfully }',
    '      gone: { condition: service_started, required: false }',
    '  b: {}',
    '  c: {}',
  ]);
  assert.ok(r.ok);
  assert.deepEqual(r.stack.services.a!.dependsOn, [
    { service: 'b', condition: 'service_healthy' },
    { service: 'c', condition: 'service_started' },
  ]);
  assert.deepEqual(
    r.warnings.map((w) => [w.code, w.line, w.path]),
    [
      ['unsupported', 5, 'services.a.depends_on.c.condition'],
      ['reference', 6, 'services.a.depends_on.gone'],
    ],
  );
});

test('interpolation applies to every value, casts typed fields, and warns on unset variables once', () => {
  const r = parse(
    [
      'name: ${PROJECT:-shop}',
      'services:',
      '  a:',
      '    image: "repo/a:${TAG}"',
      '    labels: ["tag=${TAG}"]',
      '    deploy:',
      '      replicas: ${N}',
      '    x-bricks:',
      '      port: ${A_PORT:-9000}',
      '      group: $GROUP',
    ],
    { N: '2' },
  );
  assert.ok(r.ok);
  const a = r.stack.services.a!;
  assert.equal(r.stack.name, 'shop');
  assert.equal(a.image, 'repo/a:');
  assert.equal(a.replicas, 2);
  assert.deepEqual(a.passthrough, { labels: ['tag='] });
  // An empty group (an unset variable) is no group.
  assert.deepEqual(a.bricks, { port: 9000 });
  assert.deepEqual(
    r.warnings.map((w) => [w.line, w.col, w.message]),
    [
      [4, 12, 'variable TAG is not set; using an empty string'],
      [10, 14, 'variable GROUP is not set; using an empty string'],
    ],
  );
});

test('YAML anchors and merge keys: explicit keys win, merged ones fill in', () => {
  const s = stackOf([
    'x-base: &base',
    '  image: base',
    '  restart: always',
    'services:',
    '  a:',
    '    <<: *base',
    '    image: mine',
    '  b: *base',
  ]);
  assert.equal(s.services.a!.image, 'mine');
  assert.equal(s.services.a!.restart.condition, 'any');
  assert.equal(s.services.b!.image, 'base');
});

test('COMPOSE_PROJECT_NAME overrides the name in the file', () => {
  assert.equal(stackOf(['name: inside', 'services:', '  a: {}'], { COMPOSE_PROJECT_NAME: 'outside' }).name, 'outside');
});

// ---- bad files: one per class ----

test('YAML syntax errors are located where the parser detects them', () => {
  // The unclosed flow sequence is noticed where the next key starts.
  only(problemsOf(['services:', '  a:', '    image: [unclosed', '  b: {}']), {
    code: 'syntax',
    line: 4,
    col: 3,
    path: '',
    message: /^YAML syntax: Flow sequence .* end with a \]/,
  });
  const nested = problemsOf(['services:', '  a:', '    image: a: b']);
  assert.deepEqual([nested[0]!.code, nested[0]!.line, nested[0]!.col], ['syntax', 3, 12]);
});

test('duplicate keys are errors at the second key', () => {
  only(problemsOf(['services:', '  a:', '    image: x', '    image: y']), {
    code: 'duplicate-key',
    line: 4,
    col: 5,
    path: 'services.a.image',
    message: /duplicate key "image" \(first defined at line 3\)/,
  });
});

test('unknown x-bricks key lists the known keys and suggests the nearest', () => {
  only(problemsOf(['services:', '  a:', '    x-bricks:', '      prot: 80']), {
    code: 'unknown-key',
    line: 4,
    col: 7,
    path: 'services.a.x-bricks.prot',
    message: /unknown key "prot" in x-bricks; did you mean "port"\?; known keys are run, port, health, entry, external, group, edge, autoscale, resilience, update, auth, secret_rotation/,
  });
  only(problemsOf(['x-bricks:', '  baseport: 1', 'services:', '  a: {}']), {
    code: 'unknown-key',
    line: 2,
    col: 3,
    path: 'x-bricks.baseport',
    message: /did you mean "base_port"/,
  });
});

test('unknown Compose key is an error with a suggestion; x-* keys are allowed', () => {
  only(problemsOf(['services:', '  a:', '    imgae: x', '    x-anything: 1']), {
    code: 'unknown-key',
    line: 3,
    col: 5,
    path: 'services.a.imgae',
    message: /unknown key "imgae" in service "a"; did you mean "image"\?/,
  });
  only(problemsOf(['services:', '  a:', '    deploy:', '      replica: 2']), {
    code: 'unknown-key',
    line: 4,
    col: 7,
    path: 'services.a.deploy.replica',
    message: /did you mean "replicas"/,
  });
  only(problemsOf(['servises:', '  a: {}', 'services:', '  a: {}']), {
    code: 'unknown-key',
    line: 1,
    col: 1,
    path: 'servises',
    message: /did you mean "services"/,
  });
});

test('wrong types and out-of-range values in known keys', () => {
  only(problemsOf(['services:', '  a:', '    deploy:', '      replicas: "three"']), {
    code: 'type',
    line: 4,
    col: 17,
    path: 'services.a.deploy.replicas',
    message: /expected a whole number from 0 up, got the string "three"/,
  });
  only(problemsOf(['services:', '  a:', '    deploy:', '      replicas: -1']), {
    code: 'value',
    line: 4,
    col: 17,
    path: 'services.a.deploy.replicas',
    message: /expected a whole number from 0 up, got -1/,
  });
  only(problemsOf(['services:', '  a:', '    x-bricks:', '      port: 70000']), {
    code: 'value',
    line: 4,
    col: 13,
    path: 'services.a.x-bricks.port',
    message: /from 1 to 65535, got 70000/,
  });
  only(problemsOf(['services:', '  a:', '    ports: "80:80"']), {
    code: 'type',
    line: 3,
    col: 12,
    path: 'services.a.ports',
    message: /expected a list, got the string "80:80"/,
  });
  only(problemsOf(['services:', '  a:', '    deploy:', '      restart_policy:', '        condition: sometimes']), {
    code: 'value',
    line: 5,
    col: 20,
    path: 'services.a.deploy.restart_policy.condition',
    message: /expected one of none, on-failure, any, got "sometimes"/,
  });
  only(problemsOf(['services:', '  a:', '    deploy:', '      update_config: { parallelism: 1, delay: 10, order: start-first }']), {
    code: 'value',
    line: 4,
    col: 47,
    path: 'services.a.deploy.update_config.delay',
    message: /10 has no unit/,
  });
  only(problemsOf(['services:', '  a:', '    x-bricks:', '      health: healthz']), {
    code: 'value',
    line: 4,
    col: 15,
    path: 'services.a.x-bricks.health',
    message: /expected an HTTP path starting with "\/"/,
  });
});

test('depends_on cycles are reported with their path', () => {
  only(problemsOf(['services:', '  a:', '    depends_on: [b]', '  b:', '    depends_on: [a]']), {
    code: 'cycle',
    line: 5,
    col: 18,
    path: 'services.b.depends_on[0]',
    message: /depends_on forms a cycle: a -> b -> a/,
  });
  only(problemsOf(['services:', '  a:', '    depends_on: [a]']), {
    code: 'cycle',
    line: 3,
    col: 18,
    path: 'services.a.depends_on[0]',
    message: /a -> a/,
  });
});

test('depends_on naming an unknown service', () => {
  only(problemsOf(['services:', '  a:', '    depends_on:', '      - b', '      - nope', '  b: {}']), {
    code: 'reference',
    line: 5,
    col: 9,
    path: 'services.a.depends_on[1]',
    message: /service "a" depends on "nope", which is not a service in this stack; services are a, b/,
  });
});

test('a failing ${VAR:?err} is located at its value', () => {
  only(problemsOf(['services:', '  a:', '    environment:', '      DB_URL: ${DB_URL:?set DB_URL to a postgres URL}']), {
    code: 'interpolation',
    line: 4,
    col: 15,
    path: 'services.a.environment.DB_URL',
    message: /required variable DB_URL is not set: set DB_URL to a postgres URL/,
  });
  only(problemsOf(['services:', '  a:', '    image: cost$5']), {
    code: 'interpolation',
    line: 3,
    col: 12,
    path: 'services.a.image',
    message: /write "\$\$" for a literal "\$"/,
  });
});

test('bad durations', () => {
  only(problemsOf(['services:', '  a:', '    healthcheck:', '      interval: 10']), {
    code: 'value',
    line: 4,
    col: 17,
    path: 'services.a.healthcheck.interval',
    message: /10 has no unit; expected a duration such as "10s"/,
  });
  only(problemsOf(['services:', '  a:', '    stop_grace_period: 5 seconds']), {
    code: 'value',
    line: 3,
    col: 24,
    path: 'services.a.stop_grace_period',
    message: /cannot read "5 seconds"/,
  });
});

test('service names must be DNS-label-ish', () => {
  only(problemsOf(['services:', '  a: {}', '  "42": {}']), {
    code: 'value',
    line: 3,
    col: 3,
    path: 'services.42',
    message: /needs at least one letter/,
  });
  only(problemsOf(['services:', '  Catalog: {}']), {
    code: 'value',
    line: 2,
    col: 3,
    path: 'services.Catalog',
    message: /service name "Catalog" must be lowercase/,
  });
});

test('empty file, no services, unsupported Compose features', () => {
  only(problemsOf(['# nothing here']), { code: 'type', line: 1, col: 1, path: '', message: /empty/ });
  only(problemsOf(['name: x']), { code: 'type', line: 1, col: 1, path: '', message: /no "services"/ });
  only(problemsOf(['services:', '  a:', '    extends: b', '  b: {}']), {
    code: 'unsupported',
    line: 3,
    col: 5,
    path: 'services.a.extends',
    message: /extends is not supported/,
  });
});

test('all problems are collected in one pass, in file order', () => {
  const problems = problemsOf([
    'services:', // 1
    '  a:', // 2
    '    imgae: x', // 3 unknown key
    '    deploy:', // 4
    '      replicas: many', // 5 type
    '    depends_on: [ghost, b]', // 6 reference
    '    healthcheck:', // 7
    '      interval: soon', // 8 duration
    '    x-bricks:', // 9
    '      colour: blue', // 10 unknown x-bricks key
    '  b:', // 11
    '    environment:', // 12
    '      X: ${X:?required}', // 13 interpolation
    '    depends_on: [a]', // 14 cycle
  ]);
  assert.deepEqual(
    problems.map((p) => [p.line, p.code, p.path]),
    [
      [3, 'unknown-key', 'services.a.imgae'],
      [5, 'type', 'services.a.deploy.replicas'],
      [6, 'reference', 'services.a.depends_on[0]'],
      [8, 'value', 'services.a.healthcheck.interval'],
      [10, 'unknown-key', 'services.a.x-bricks.colour'],
      [13, 'interpolation', 'services.b.environment.X'],
      [14, 'cycle', 'services.b.depends_on[0]'],
    ],
  );
  assert.equal(formatProblem(problems[0]!), '/project/bricks.yaml:3:5: services.a.imgae: unknown key "imgae" in service "a"; did you mean "image"?');
});

// ---- finding and reading files ----

test('findStackFile prefers bricks.yaml, then compose, then docker-compose names', (t) => {
  const dir = tempDir(t);
  assert.equal(findStackFile(dir), null);
  writeFileSync(join(dir, 'docker-compose.yml'), 'services: {a: {}}\n');
  assert.equal(findStackFile(dir), join(dir, 'docker-compose.yml'));
  writeFileSync(join(dir, 'compose.yaml'), 'services: {a: {}}\n');
  assert.equal(findStackFile(dir), join(dir, 'compose.yaml'));
  writeFileSync(join(dir, 'bricks.yml'), 'services: {a: {}}\n');
  assert.equal(findStackFile(dir), join(dir, 'bricks.yml'));
});

test('loadStack: a missing file says what was looked for; .env feeds interpolation and the process env wins', async (t) => {
  const dir = tempDir(t);
  const none = await loadStack({ cwd: dir, env: {} });
  assert.equal(none.ok, false);
  assert.match(!none.ok ? none.problems[0]!.message : '', /no stack file found in .*; looked for bricks\.yaml, bricks\.yml, compose\.yaml, compose\.yml, docker-compose\.yaml, docker-compose\.yml/);
  const named = await loadStack({ cwd: dir, file: 'other.yaml', env: {} });
  assert.deepEqual(!named.ok && named.problems[0], { code: 'missing-file', file: join(dir, 'other.yaml'), line: 0, col: 0, path: '', message: 'stack file not found' });

  writeFileSync(join(dir, 'compose.yaml'), 'services:\n  a:\n    environment: ["A=${A}", "B=${B}"]\n');
  writeFileSync(join(dir, '.env'), 'A=from-dotenv\nB=from-dotenv\n');
  const r = await loadStack({ cwd: '/', file: dir, env: { B: 'from-process' } });
  assert.ok(r.ok, r.ok ? '' : r.problems.map(formatProblem).join('\n'));
  assert.deepEqual(r.stack.services.a!.environment, { A: 'from-dotenv', B: 'from-process' });
  assert.equal(r.stack.file, join(dir, 'compose.yaml'));
});

test('stackToJson: plain JSON with services as an ordered list', () => {
  const stack = stackOf(['name: shop', 'x-bricks: { base_port: 7000 }', 'services:', '  zeta:', '    command: z', '  alpha: {}']);
  const json = stackToJson(stack);
  assert.deepEqual(JSON.parse(JSON.stringify(json)), json);
  assert.equal(json.name, 'shop');
  assert.deepEqual(json.services.map((s) => s.name), ['zeta', 'alpha']);
  assert.deepEqual(json.services[0]!.run, { kind: 'argv', argv: ['z'] });
  assert.equal(json.services[1]!.stopGracePeriodMs, undefined);
  assert.deepEqual(json.bricks, { basePort: 7000 });
});
