import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { DockerRunner } from '../docker/cli.ts';
import { TargetError } from '../errors.ts';
import { needsDocker } from '../testing/docker-gate.ts';
import { makeStack } from '../testing/stack-fixture.ts';
import { buildImages, imageMap } from './build-images.ts';
import { renderDockerfile } from './dockerfile.ts';

const stack = makeStack('shop', { cart: {}, pay: {} }, {}, '/project');

/** A fake docker that knows one base image and the images "built" so far (by key label). */
function fakeDocker(existingKeys: Map<string, string> = new Map()): { run: DockerRunner; calls: string[][] } {
  const calls: string[][] = [];
  const run: DockerRunner = async (args) => {
    calls.push([...args]);
    const [cmd, sub] = args;
    if (cmd === 'image' && sub === 'inspect' && args.includes('{{.Id}}')) return { code: 0, stdout: 'sha256:base\n', stderr: '' };
    if (cmd === 'image' && sub === 'inspect') return { code: 0, stdout: 'oldsha\n', stderr: '' };
    if (cmd === 'images') {
      const key = args[args.indexOf('--filter') + 1]?.split('=')[2] ?? '';
      const id = existingKeys.get(key);
      return { code: 0, stdout: id ? `${id}\n` : '', stderr: '' };
    }
    if (cmd === 'build') return { code: 0, stdout: 'sha256:new\n', stderr: '' };
    return { code: 0, stdout: '', stderr: '' };
  };
  return { run, calls };
}

const artifacts = [
  { service: 'cart', digest: 'd1', dir: '/art/d1', command: ['node', 'main.mjs'] },
  { service: 'pay', digest: 'd2', dir: '/art/d2', command: ['node', 'main.mjs'] },
];

test('the Dockerfile starts from the base, copies the artifact, labels revision and digest, runs the command', () => {
  const text = renderDockerfile({ stack: 's', service: 'a', digest: 'abc', sha: '123', baseImage: 'node:20-slim', command: ['node', 'main.mjs'], key: 'k' });
  const lines = text.split('\n');
  assert.ok(lines.includes('FROM node:20-slim'));
  assert.ok(lines.includes('COPY . /app'));
  assert.ok(lines.includes('WORKDIR /app'));
  assert.ok(lines.includes('CMD ["node","main.mjs"]'));
  assert.match(text, /org\.opencontainers\.image\.revision="123"/);
  assert.match(text, /dev\.bricks\.digest="abc"/);
});

test('new digests are built, tagged <registry>/<stack>-<service>:<sha> and pushed when a registry is set', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bricks-img-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { run, calls } = fakeDocker();
  const events: string[] = [];
  const images = await buildImages(artifacts, {
    stack, sha: 'abc123', registry: 'reg.local:5000/', docker: run, dockerfileDir: dir,
    onProgress: (e) => { if (e.kind === 'image') events.push(`${e.service}:${e.action}`); },
  });
  assert.deepEqual(imageMap(images), { cart: 'reg.local:5000/shop-cart:abc123', pay: 'reg.local:5000/shop-pay:abc123' });
  assert.ok(images.every((i) => i.action === 'built' && i.pushed));
  assert.equal(calls.filter((c) => c[0] === 'build').length, 2);
  assert.deepEqual(calls.filter((c) => c[0] === 'push').map((c) => c[1]), ['reg.local:5000/shop-cart:abc123', 'reg.local:5000/shop-pay:abc123']);
  assert.deepEqual(events, ['cart:building', 'cart:built', 'cart:pushing', 'cart:pushed', 'pay:building', 'pay:built', 'pay:pushing', 'pay:pushed']);
});

test('a digest that already has an image is re-tagged, not rebuilt nor pushed, and keeps its reference', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'bricks-img-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // First pass learns the keys the builder asks for; the second pretends cart's exists.
  const first = fakeDocker();
  await buildImages(artifacts, { stack, sha: 'oldsha', docker: first.run, dockerfileDir: dir });
  const cartKey = first.calls.filter((c) => c[0] === 'images')[0]![3]!.split('=')[2]!;
  const { run, calls } = fakeDocker(new Map([[cartKey, 'sha256:cartimg']]));
  const images = await buildImages(artifacts, { stack, sha: 'newsha', registry: 'reg', docker: run, dockerfileDir: dir });
  const cart = images.find((i) => i.service === 'cart')!;
  assert.equal(cart.action, 'reused');
  assert.equal(cart.ref, 'reg/shop-cart:oldsha');
  assert.equal(cart.tag, 'reg/shop-cart:newsha');
  assert.equal(cart.pushed, false);
  assert.deepEqual(calls.filter((c) => c[0] === 'build').map((c) => c.at(-1)), ['/art/d2']);
  assert.deepEqual(calls.filter((c) => c[0] === 'push').map((c) => c[1]), ['reg/shop-pay:newsha']);
  assert.ok(calls.some((c) => c[0] === 'tag' && c[1] === 'sha256:cartimg' && c[2] === 'reg/shop-cart:newsha'));
});

test('a missing base image is a build-failed error that says how to get it', async () => {
  const run: DockerRunner = async () => ({ code: 1, stdout: '', stderr: 'Error: No such image: nope' });
  await assert.rejects(buildImages(artifacts, { stack, sha: 's', baseImage: 'nope', docker: run }), (err: unknown) =>
    err instanceof TargetError && err.code === 'build-failed' && err.message.includes('nope'));
});

test('real docker: builds a runnable image from an artifact dir and reuses it for an unchanged digest', async (t) => {
  if (!(await needsDocker(t))) return;
  const dir = mkdtempSync(join(tmpdir(), 'bricks-img-'));
  const stackName = `t5img${process.pid}`;
  const real = makeStack(stackName, { hello: {} }, {}, dir);
  t.after(() => {
    const ids = execFileSync('docker', ['images', '-q', '--filter', `label=dev.bricks.stack=${stackName}`], { encoding: 'utf8' }).split('\n').filter(Boolean);
    if (ids.length > 0) execFileSync('docker', ['rmi', '-f', ...new Set(ids)], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  });
  const art = join(dir, 'art');
  execFileSync('mkdir', ['-p', art]);
  writeFileSync(join(art, 'main.mjs'), 'console.log("hello from", process.argv[2] ?? "image");\n');
  writeFileSync(join(art, 'manifest.json'), '{}\n');
  const artifact = { service: 'hello', digest: `dg-${process.pid}`, dir: art, command: ['node', 'main.mjs', 'bricks'] };
  const [first] = await buildImages([artifact], { stack: real, sha: 'sha1' });
  assert.equal(first?.action, 'built');
  assert.equal(first?.ref, `${stackName}-hello:sha1`);
  const out = execFileSync('docker', ['run', '--rm', first.ref], { encoding: 'utf8' });
  assert.equal(out.trim(), 'hello from bricks');
  const labelsOut = execFileSync('docker', ['image', 'inspect', '--format', '{{json .Config.Labels}}', first.ref], { encoding: 'utf8' });
  const l = JSON.parse(labelsOut) as Record<string, string>;
  assert.equal(l['org.opencontainers.image.revision'], 'sha1');
  assert.equal(l['dev.bricks.digest'], artifact.digest);

  const [second] = await buildImages([artifact], { stack: real, sha: 'sha2' });
  assert.equal(second?.action, 'reused');
  assert.equal(second?.ref, first.ref);
  assert.equal(second?.imageId, first.imageId);
  execFileSync('docker', ['image', 'inspect', `${stackName}-hello:sha2`], { stdio: 'ignore' });

  writeFileSync(join(art, 'main.mjs'), 'console.log("changed");\n');
  const [third] = await buildImages([{ ...artifact, digest: `dg2-${process.pid}` }], { stack: real, sha: 'sha3' });
  assert.equal(third?.action, 'built');
  assert.equal(third?.ref, `${stackName}-hello:sha3`);
  assert.equal(execFileSync('docker', ['run', '--rm', third.ref], { encoding: 'utf8' }).trim(), 'changed');
});
