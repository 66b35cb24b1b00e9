// `buildImages`: one image per service artifact, `docker build` from a generated Dockerfile.
// An image whose content key already exists is reused (and tagged for this SHA), not rebuilt
// and not pushed again; its reference stays the one it was built under, so an engine sees no
// change for that service.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Stack } from '../../stack/model.ts';
import { docker, runDocker } from '../docker/cli.ts';
import type { DockerRunner } from '../docker/cli.ts';
import { TargetError } from '../errors.ts';
import { imageRef } from '../naming.ts';
import type { OnProgress } from '../progress.ts';
import { imageKey, labels, renderDockerfile } from './dockerfile.ts';
import { GATEWAY_COPY, GATEWAY_IMAGE_COMMAND, gatewayContext, gatewayProgram } from './gateway-image.ts';

/** What the image builder needs of an artifact (the build module's ServiceArtifact fits). */
export interface ImageArtifact {
  readonly service: string;
  readonly digest: string;
  /** The artifact directory (holding manifest.json). */
  readonly dir: string;
  /** Relative to the build context. */
  readonly command: readonly string[];
  /** For an in-place artifact, the directory the command runs in: the build context then. */
  readonly cwd?: string;
  readonly inPlace?: boolean;
}

export interface ImageOptions {
  readonly stack: Stack;
  readonly sha: string;
  readonly registry?: string;
  /** Default `bricks/node:20`, made by scripts/ci/docker-setup.sh; `node:20-slim` elsewhere. */
  readonly baseImage?: string;
  /** Where the generated Dockerfiles are kept (default `<stack dir>/.bricks/images`). */
  readonly dockerfileDir?: string;
  readonly onProgress?: OnProgress;
  readonly signal?: AbortSignal;
  readonly docker?: DockerRunner;
}

export interface ServiceImage {
  readonly service: string;
  readonly digest: string;
  /** The reference to deploy: stable while the content is unchanged (`<repo>:<SHA it was built at>`). */
  readonly ref: string;
  /** This release's tag of the same image (`<repo>:<sha>`). */
  readonly tag: string;
  readonly imageId: string;
  readonly action: 'built' | 'reused';
  readonly pushed: boolean;
}

export const DEFAULT_BASE_IMAGE = 'bricks/node:20';

async function findByKey(run: DockerRunner, key: string, signal?: AbortSignal): Promise<{ id: string; revision: string } | null> {
  const out = await docker(run, ['images', '--no-trunc', '--filter', `label=${labels.key}=${key}`, '--format', '{{.ID}}'], signal ? { signal } : {});
  const id = out.split('\n').map((l) => l.trim()).find((l) => l !== '');
  if (!id) return null;
  const revision = (await docker(run, ['image', 'inspect', '--format', `{{index .Config.Labels "${labels.revision}"}}`, id])).trim();
  return { id, revision };
}

export async function buildImages(artifacts: readonly ImageArtifact[], opts: ImageOptions): Promise<ServiceImage[]> {
  const run = opts.docker ?? runDocker;
  const base = opts.baseImage ?? DEFAULT_BASE_IMAGE;
  const sig = opts.signal ? { signal: opts.signal } : {};
  const emit = opts.onProgress ?? (() => {});
  const dockerfileDir = opts.dockerfileDir ?? join(opts.stack.dir, '.bricks', 'images');
  let baseId: string;
  try {
    baseId = (await docker(run, ['image', 'inspect', '--format', '{{.Id}}', base], sig)).trim();
  } catch (err) {
    if (err instanceof TargetError && err.code === 'docker-unavailable') throw err;
    throw new TargetError('build-failed', `base image ${base} is not available locally (pull it, or run scripts/ci/docker-setup.sh for bricks/node:20)`, { cause: err });
  }
  await mkdir(dockerfileDir, { recursive: true }).catch((err: unknown) => { throw TargetError.from(err, 'io'); });

  const results: ServiceImage[] = [];
  // One at a time: docker build is CPU- and disk-bound, and the machine has two cores.
  for (const a of artifacts) {
    opts.signal?.throwIfAborted();
    // A gateway runs bricks' program on its descriptor set (its artifact's digest covers the set's content).
    const gateway = opts.stack.services[a.service]?.bricks.gateway;
    const program = gateway === undefined ? undefined : await gatewayProgram();
    const command = program === undefined ? a.command : GATEWAY_IMAGE_COMMAND;
    const key = imageKey(a.digest, baseId, program === undefined ? command : [...command, program.hash]);
    const tag = imageRef(opts.stack.name, a.service, opts.sha, opts.registry);
    const existing = await findByKey(run, key, opts.signal);
    if (existing) {
      const ref = imageRef(opts.stack.name, a.service, existing.revision || opts.sha, opts.registry);
      // Tags can be removed by hand while the image stays: put back both names.
      for (const name of new Set([ref, tag])) await docker(run, ['tag', existing.id, name], sig);
      emit({ kind: 'image', service: a.service, action: 'reused', ref });
      results.push({ service: a.service, digest: a.digest, ref, tag, imageId: existing.id, action: 'reused', pushed: false });
      continue;
    }
    const dockerfile = join(dockerfileDir, `${a.service}.Dockerfile`);
    await writeFile(dockerfile, renderDockerfile({
      stack: opts.stack.name, service: a.service, digest: a.digest, sha: opts.sha, baseImage: base, command, key, ...(gateway === undefined ? {} : { copy: GATEWAY_COPY }),
    })).catch((err: unknown) => { throw TargetError.from(err, 'io'); });
    const context =
      gateway !== undefined && program !== undefined ? await gatewayContext(join(dockerfileDir, `${a.service}.context`), program, gateway.descriptors)
      : a.inPlace && a.cwd ? a.cwd : a.dir;
    emit({ kind: 'image', service: a.service, action: 'building', ref: tag });
    const id = (await docker(run, ['build', '--quiet', '--file', dockerfile, '--tag', tag, context], { ...sig, code: 'build-failed' })).trim();
    emit({ kind: 'image', service: a.service, action: 'built', ref: tag });
    let pushed = false;
    if (opts.registry) {
      emit({ kind: 'image', service: a.service, action: 'pushing', ref: tag });
      await docker(run, ['push', tag], { ...sig, code: 'push-failed' });
      emit({ kind: 'image', service: a.service, action: 'pushed', ref: tag });
      pushed = true;
    }
    results.push({ service: a.service, digest: a.digest, ref: tag, tag, imageId: id, action: 'built', pushed });
  }
  return results;
}

/** service → the reference to deploy, for renderSwarmStack / renderManifests. */
export function imageMap(images: readonly ServiceImage[]): Record<string, string> {
  return Object.fromEntries(images.map((i) => [i.service, i.ref]));
}
