// Every class of bad stack file, through the real CLI: a clear located error, exit code 2,
// and nothing started.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { project } from './helpers/bricks.ts';

const cases: { name: string; yaml: string; expect: RegExp[] }[] = [
  { name: 'YAML syntax', yaml: 'services:\n  api:\n    command: [oops\n', expect: [/bricks\.yaml:\d+:\d+/] },
  {
    name: 'unknown key inside x-bricks',
    yaml: 'services:\n  api:\n    x-bricks:\n      run: node a.js\n      prot: 80\n',
    expect: [/bricks\.yaml:5:7: services\.api\.x-bricks\.prot: .*unknown key/, /port/],
  },
  { name: 'wrong type', yaml: 'services:\n  api:\n    command: node a.js\n    deploy:\n      replicas: three\n', expect: [/bricks\.yaml:5:17: services\.api\.deploy\.replicas: /] },
  {
    name: 'depends_on cycle',
    yaml: 'services:\n  a:\n    command: x\n    depends_on: [b]\n  b:\n    command: x\n    depends_on: [a]\n',
    expect: [/a -> b -> a|b -> a -> b/],
  },
  { name: 'unknown service', yaml: 'services:\n  a:\n    command: x\n    depends_on: [nope]\n', expect: [/bricks\.yaml:4:18: services\.a\.depends_on.*nope/] },
  {
    name: 'a published port of 99999',
    yaml: 'services:\n  a:\n    command: x\n    ports: ["99999:80"]\n',
    expect: [/bricks\.yaml:4:13: services\.a\.ports\[0\]: "99999:80": the host port must be a number from 1 to 65535/],
  },
  {
    name: 'a resilience timeout of banana',
    yaml: 'services:\n  a:\n    command: x\n    x-bricks:\n      resilience: { timeout: banana }\n',
    expect: [/bricks\.yaml:5:30: services\.a\.x-bricks\.resilience\.timeout: cannot read "banana"/],
  },
  {
    name: 'autoscale min above max',
    yaml: 'services:\n  a:\n    command: x\n    x-bricks:\n      autoscale: { min: 5, max: 2 }\n',
    expect: [/bricks\.yaml:5:25: services\.a\.x-bricks\.autoscale\.min: min \(5\) is above max \(2\)/],
  },
  {
    name: 'an unknown Compose key (the Compose schema)',
    yaml: 'services:\n  a:\n    command: x\n    deploy:\n      update_config: { paralelism: 1 }\n',
    expect: [/bricks\.yaml:5:24: services\.a\.deploy\.update_config\.paralelism: unknown key "paralelism".*did you mean "parallelism"/],
  },
  {
    name: 'more replicas than one machine should run',
    yaml: 'services:\n  a:\n    command: x\n    deploy:\n      replicas: 5000\n',
    expect: [/bricks\.yaml:5:7: services\.a\.deploy\.replicas: 5000 replicas of a would be 5000 processes on this machine; the local target runs at most 64 of one service.*x-bricks\.max_local_replicas/],
  },
];

describe('bad stack files', () => {
  for (const c of cases) {
    it(`${c.name}: located error, exit 2, nothing starts`, async (t) => {
      const p = project(t, c.yaml);
      for (const cmd of [['validate'], ['up', '-d']]) {
        const r = await p.bricks(...cmd);
        assert.equal(r.code, 2, `${cmd.join(' ')} exit code; stderr:\n${r.stderr}`);
        for (const re of c.expect) assert.match(r.stderr, re);
        assert.match(r.stderr, /nothing was started/);
      }
      assert.equal(existsSync(join(p.dir, '.bricks', 'daemon.json')), false);
    });
  }

  it('reports all problems at once', async (t) => {
    const p = project(t, 'services:\n  a:\n    command: x\n    x-bricks: { bogus: 1 }\n    deploy: { replicas: -1 }\n    depends_on: [ghost]\n');
    const r = await p.bricks('validate');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /3 problems/);
  });

  it('the replica limit is the local target\'s: other targets and an explicit limit accept the file', async (t) => {
    const p = project(t, 'services:\n  a:\n    command: x\n    deploy:\n      replicas: 5000\n');
    for (const target of ['swarm', 'kubernetes']) {
      const r = await p.bricks('validate', '--target', target);
      assert.equal(r.code, 0, `validate --target ${target}: ${r.stderr}`);
    }
    const raised = project(t, 'x-bricks: { max_local_replicas: 5000 }\nservices:\n  a:\n    command: x\n    deploy:\n      replicas: 5000\n');
    assert.equal((await raised.bricks('validate')).code, 0);
    const json = await p.bricks('validate', '--json');
    assert.equal(json.code, 2);
    const doc = JSON.parse(json.stdout) as { valid: boolean; problems: { code: string; line: number; path: string }[] };
    assert.equal(doc.valid, false);
    assert.deepEqual(doc.problems.map((x) => [x.code, x.line, x.path]), [['limit', 5, 'services.a.deploy.replicas']]);
  });

  it('config prints the normalized stack as Compose YAML that validates again', async (t) => {
    const p = project(t, 'services:\n  a:\n    command: node a.js\n    ports: ["8080:80"]\n    x-bricks:\n      resilience: { timeout: 1500ms }\n');
    const r = await p.bricks('config');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /ports:\n\s+- target: 80\n\s+published: 8080\n\s+protocol: tcp/);
    assert.match(r.stdout, /timeout: 1500ms/);
    const again = project(t, r.stdout);
    assert.equal((await again.bricks('validate')).code, 0);
  });

  it('a missing stack file names what was looked for', async (t) => {
    const p = project(t, '');
    const r = await p.bricks('up', '-f', 'nope.yaml');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /nope\.yaml/);
  });
});
