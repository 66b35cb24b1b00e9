// A gateway on the engines: its image is bricks' program and the stack's descriptor set, its
// replicas are told where the set is in the image, Swarm runs it as a built service with its
// probes, and Kubernetes gives it a Deployment, a Service and the Ingress.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { GATEWAY_VARIABLE } from '@bricks/sdk/platform-env';
import { parseGatewayConfig } from '../gateway/program/config.ts';
import { stackFrom } from '../stack/testing/stacks.ts';
import type { Stack } from '../stack/model.ts';
import type { DockerRunner } from './docker/cli.ts';
import { GATEWAY_IMAGE_DESCRIPTORS, GATEWAY_IMAGE_PROGRAM } from './gateway.ts';
import { buildImages } from './images/build-images.ts';
import { renderManifests } from './kubernetes/render.ts';
import { renderSwarmStack } from './swarm/render.ts';

const sha = '0123456789abcdef0123456789abcdef01234567';

function gatewayStack(t: { after: (fn: () => void) => void }): { stack: Stack; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'bricks-targets-gateway-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'api.binpb'), 'descriptor bytes');
  const stack = stackFrom(
    {
      name: 'shop',
      services: {
        api: { 'x-bricks': { gateway: { descriptors: './api.binpb', services: ['shop.v1.CartService'], policies: { cors: { origins: ['*'] } } } }, deploy: { replicas: 2 } },
        cart: { 'x-bricks': { run: ['node', 'main.mjs'], health: { ready: '/readyz', live: '/healthz' } } },
      },
    },
    dir,
  );
  return { stack, dir };
}

test('replicas on an engine read the set from the image, with the services and policies of the stack', (t) => {
  const { stack } = gatewayStack(t);
  const swarm = renderSwarmStack(stack, { api: 'shop-api:1', cart: 'shop-cart:1' });
  const api = swarm.services['api'] as Record<string, unknown> & { environment: Record<string, string> };
  assert.deepEqual(parseGatewayConfig(api.environment[GATEWAY_VARIABLE], GATEWAY_VARIABLE), { descriptors: GATEWAY_IMAGE_DESCRIPTORS, services: ['shop.v1.CartService'], policies: { cors: { origins: ['*'] } } });
  assert.equal((swarm.services['cart'] as { environment: Record<string, string> }).environment[GATEWAY_VARIABLE], undefined);
  assert.equal(api['image'], 'shop-api:1');
  assert.equal(api['init'], true, 'a built service: node under an init');
  assert.equal(api['command'], undefined, "the image's own CMD runs the program");
  assert.match(JSON.stringify(api['healthcheck']), /\/readyz/, 'probed at the program\'s /readyz');
  // The edge: a VIP, not dnsrr.
  assert.notEqual((api['deploy'] as { endpoint_mode?: string }).endpoint_mode, 'dnsrr');
});

test('Kubernetes: a Deployment with the configuration, its Service, and the Ingress pointing at it', (t) => {
  const { stack } = gatewayStack(t);
  const objs = renderManifests(stack, { sha }).map((o) => o.toJSON() as unknown as { kind: string; metadata: { name: string }; spec?: Record<string, unknown> });
  const deployment = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'api');
  assert.ok(deployment);
  const container = (deployment.spec as { template: { spec: { containers: Array<{ image: string; env: Array<{ name: string; value?: string }>; readinessProbe?: { httpGet?: { path: string } } }> } } }).template.spec.containers[0];
  assert.equal(container?.image, `shop-api:${sha}`);
  assert.equal(parseGatewayConfig(container?.env.find((e) => e.name === GATEWAY_VARIABLE)?.value, GATEWAY_VARIABLE).descriptors, GATEWAY_IMAGE_DESCRIPTORS);
  assert.equal(container?.readinessProbe?.httpGet?.path, '/readyz');
  assert.ok(objs.some((o) => o.kind === 'Service' && o.metadata.name === 'api'));
  const ingresses = objs.filter((o) => o.kind === 'Ingress');
  assert.deepEqual(ingresses.map((o) => o.metadata.name), ['api'], 'the gateway is the edge; cart is not');
  assert.match(JSON.stringify(ingresses[0]?.spec), /"name":"api"/);
});

test("the image: bricks' program and the descriptor set, run by node; a new set is a new image", { timeout: 60_000 }, async (t) => {
  const { stack, dir } = gatewayStack(t);
  const keys: string[] = [];
  const run: DockerRunner = async (args) => {
    const [cmd, sub] = args;
    if (cmd === 'image' && sub === 'inspect') return { code: 0, stdout: 'sha256:base\n', stderr: '' };
    if (cmd === 'images') {
      keys.push(args[args.indexOf('--filter') + 1]?.split('=')[2] ?? '');
      return { code: 0, stdout: '', stderr: '' };
    }
    if (cmd === 'build') return { code: 0, stdout: 'sha256:new\n', stderr: '' };
    return { code: 0, stdout: '', stderr: '' };
  };
  const images = join(dir, 'images');
  const artifact = { service: 'api', digest: 'd1', dir: join(dir, 'art'), command: [], inPlace: true, cwd: dir };
  await buildImages([artifact], { stack, sha, docker: run, dockerfileDir: images });
  const dockerfile = readFileSync(join(images, 'api.Dockerfile'), 'utf8');
  assert.match(dockerfile, new RegExp(`^COPY gateway\\.mjs ${GATEWAY_IMAGE_PROGRAM}$`, 'm'));
  assert.match(dockerfile, new RegExp(`^COPY descriptors\\.binpb ${GATEWAY_IMAGE_DESCRIPTORS}$`, 'm'));
  assert.doesNotMatch(dockerfile, /^COPY \. /m, "none of the project's files");
  assert.match(dockerfile, new RegExp(`^CMD \\["node","${GATEWAY_IMAGE_PROGRAM}"\\]$`, 'm'));
  assert.equal(readFileSync(join(images, 'api.context', 'descriptors.binpb'), 'utf8'), 'descriptor bytes');
  assert.ok(existsSync(join(images, 'api.context', 'gateway.mjs')));
  // The artifact digest covers the set's content: another digest, another key.
  await buildImages([{ ...artifact, digest: 'd2' }], { stack, sha, docker: run, dockerfileDir: images });
  assert.equal(keys.length, 2);
  assert.notEqual(keys[0], keys[1]);
});
