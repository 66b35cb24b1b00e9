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

  it('a missing stack file names what was looked for', async (t) => {
    const p = project(t, '');
    const r = await p.bricks('up', '-f', 'nope.yaml');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /nope\.yaml/);
  });
});
