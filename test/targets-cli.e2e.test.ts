// The engine-target commands of the real CLI that need no Docker: `bricks manifests` (plain and
// Helm) named by the git SHA, a dirty tree's release name, and the usage and git errors with
// their exit codes.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { project, stackOf } from './helpers/bricks.ts';

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=bricks e2e', '-c', 'user.email=e2e@bricks.invalid', ...args], { cwd: dir, encoding: 'utf8' }).trim();
}

const stack = `name: shop\n${stackOf({ api: { replicas: 2 }, worker: {} })}`.replace(
  '  api:\n',
  '  api:\n    ports: ["8080:8080"]\n',
);

test('manifests: refused outside git; kubernetes files and a Helm chart named by the SHA; dirty trees say so; usage errors exit 2', { timeout: 60_000 }, async (t) => {
  const p = project(t, stack);

  const noGit = await p.bricks('manifests', '-o', 'k8s');
  assert.equal(noGit.code, 1, noGit.stderr);
  assert.match(noGit.stderr, /git SHA/);

  git(p.dir, 'init', '-q');
  git(p.dir, 'add', 'bricks.yaml');
  git(p.dir, 'commit', '-q', '-m', 'shop');
  const sha = git(p.dir, 'rev-parse', 'HEAD');
  // .bricks/ is the platform's own: kept out of the tree so it does not make it dirty.
  p.write('.gitignore', '.bricks/\nk8s/\nchart/\n');
  git(p.dir, 'add', '.gitignore');
  git(p.dir, 'commit', '-q', '-m', 'ignore');
  const first = git(p.dir, 'rev-parse', 'HEAD');
  assert.notEqual(first, sha);
  assert.ok(!existsSync(join(p.dir, 'bricks.secrets.json')), 'a command that found no release wrote nothing');

  // The first engine deployment makes each service's identity key, in the store beside the
  // stack file, and says to commit it; the release is the tree as the user left it.
  const made = await p.bricks('manifests', '--target', 'kubernetes', '-o', 'k8s', '--registry', 'reg.example/team');
  assert.equal(made.code, 0, made.stderr);
  assert.doesNotMatch(made.stdout, /uncommitted changes: this release/);
  assert.match(made.stdout, /bricks\.secrets\.json: made an identity key for api, worker; commit the file/);
  git(p.dir, 'add', 'bricks.secrets.json');
  git(p.dir, 'commit', '-q', '-m', 'identity keys');
  const clean = git(p.dir, 'rev-parse', 'HEAD');

  const k8s = await p.bricks('manifests', '--target', 'kubernetes', '-o', 'k8s', '--registry', 'reg.example/team');
  assert.equal(k8s.code, 0, k8s.stderr);
  assert.doesNotMatch(k8s.stdout, /uncommitted|identity key/);
  const files = readdirSync(join(p.dir, 'k8s')).sort();
  assert.ok(files.includes('deployment-api.yaml') && files.includes('deployment-worker.yaml'), files.join(' '));
  assert.ok(files.includes('service-api-headless.yaml') && files.includes('ingress-api.yaml'), files.join(' '));
  const deployment = parse(readFileSync(join(p.dir, 'k8s', 'deployment-api.yaml'), 'utf8')) as {
    spec: { replicas: number; template: { spec: { containers: { image: string }[] } } };
  };
  assert.equal(deployment.spec.replicas, 2);
  assert.equal(deployment.spec.template.spec.containers[0]?.image, `reg.example/team/shop-api:${clean}`);

  const helm = await p.bricks('manifests', '-o', 'chart', '--helm');
  assert.equal(helm.code, 0, helm.stderr);
  const values = parse(readFileSync(join(p.dir, 'chart', 'values.yaml'), 'utf8')) as { image: { tag: string } };
  assert.equal(values.image.tag, clean);
  assert.ok(readdirSync(join(p.dir, 'chart')).includes('Chart.yaml'));

  // An uncommitted change: the release is `<sha>-dirty-<hash8>`, and the command says so.
  p.write('bricks.yaml', `${stack}\n# changed\n`);
  const dirty = await p.bricks('manifests', '-o', 'k8s');
  assert.equal(dirty.code, 0, dirty.stderr);
  assert.match(dirty.stdout, new RegExp(`uncommitted changes: this release is ${clean}-dirty-[0-9a-f]{8}`));
  const image = (parse(readFileSync(join(p.dir, 'k8s', 'deployment-worker.yaml'), 'utf8')) as typeof deployment).spec.template.spec.containers[0]?.image;
  assert.match(image ?? '', new RegExp(`^shop-worker:${clean}-dirty-[0-9a-f]{8}$`));

  for (const args of [['deploy', '--target', 'kubernetes'], ['manifests', '--target', 'swarm', '-o', 'x'], ['ps', '--target', 'nomad']]) {
    const r = await p.bricks(...args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
  }
  assert.match((await p.bricks('deploy', '--target', 'kubernetes')).stderr, /bricks manifests --target kubernetes/);
  // Locally --volumes removes the backing services' data once nothing runs.
  mkdirSync(join(p.dir, '.bricks', 'data', 'db'), { recursive: true });
  const down = await p.bricks('down', '--volumes');
  assert.equal(down.code, 0, down.stderr);
  assert.equal(existsSync(join(p.dir, '.bricks', 'data')), false);
});
