// `bricks build` and the engine targets behind the CLI: `deploy`/`rollback`/`ps`/`down` with
// `--target swarm`, and `bricks manifests --target kubernetes`. They run here, not in the daemon.
import { resolve } from 'node:path';
import { BuildError, buildStack, workspaceRoot } from '../../artifacts/index.ts';
import type { BuildEvent, ServiceArtifact } from '../../artifacts/index.ts';
import { gitState, ReleaseError } from '../../platform/releases/index.ts';
import type { GitState } from '../../platform/releases/index.ts';
import type { Stack } from '../../stack/index.ts';
import {
  buildAutoscalerImage, buildImages, deploySwarm, formatEvent, imageMap, imageSource, readSwarmHistory, removeSwarm, renderHelmChart,
  renderManifests, rollbackSwarm, swarmDir, swarmPs, swarmStackName, TargetError, writeChart, writeManifests,
} from '../../targets/index.ts';
import type { ServiceImage, SwarmTask, TargetEvent } from '../../targets/index.ts';
import type { GlobalOptions } from '../context.ts';
import { forEngine } from '../../targets/engine-identity.ts';
import { STORE_FILE } from '../../platform/secrets/vault.ts';
import { loadOrFail, pathsOf } from '../context.ts';
import { CliError } from '../errors.ts';
import { color } from '../format/color.ts';
import { table } from '../format/table.ts';

import { parseTarget } from '../target-name.ts';
export { parseTarget };
export type { TargetName } from '../target-name.ts';

/**
 * The version an engine release is named by: HEAD's SHA, or for a work tree with uncommitted
 * changes `<sha>-dirty-<hash8>`, so two different dirty trees never share an image tag.
 */
export function releaseTag(git: GitState): string {
  return git.dirty ? `${git.sha}-dirty-${(git.dirtyHash ?? '').slice(0, 8)}` : git.sha;
}

/**
 * Which saved Swarm release a rollback reference names: `-N` is N releases back (in deploy
 * order, one entry per change of SHA), anything else a unique prefix of a deployed SHA.
 */
export function resolveSwarmRef(history: readonly { readonly sha: string }[], ref: string): string {
  const runs: string[] = [];
  for (const e of history) if (runs.at(-1) !== e.sha) runs.push(e.sha);
  const back = /^-(\d+)$/.exec(ref);
  if (back) {
    const n = Number(back[1]);
    const sha = n > 0 ? runs[runs.length - 1 - n] : undefined;
    if (sha === undefined) throw new CliError('failed', `there is no Swarm release ${ref} (${runs.length} deployed so far)`);
    return sha;
  }
  const matches = [...new Set(runs.filter((s) => s.startsWith(ref)))];
  if (matches.length === 1 && matches[0] !== undefined) return matches[0];
  if (matches.length > 1) throw new CliError('usage', `"${ref}" names ${matches.length} Swarm releases; give more of the SHA`);
  // Not in the history (say, it was cleared): rollbackSwarm still finds a saved stack file.
  return ref;
}

/** Every failure below the CLI becomes a CliError with the right exit code. */
export function fromTargets(err: unknown): CliError {
  if (err instanceof CliError) return err;
  if (err instanceof TargetError) {
    switch (err.code) {
      case 'invalid-stack':
        return new CliError('invalid-stack', err.message, { cause: err });
      case 'docker-unavailable':
        return new CliError('failed', `${err.message}\n(Swarm needs a Docker engine in swarm mode: scripts/ci/docker-setup.sh sets one up)`, { cause: err });
      case 'release-not-found':
      case 'unreadable-source':
      case 'docker-failed':
      case 'build-failed':
      case 'push-failed':
      case 'not-converged':
      case 'io':
      case 'aborted':
        return new CliError('failed', err.message, { cause: err });
    }
  }
  if (err instanceof ReleaseError) {
    return new CliError('failed', `${err.message}\n(engine releases are named by git SHA: run inside a git work tree with at least one commit)`, { cause: err });
  }
  if (err instanceof BuildError) return new CliError('failed', err.message, { cause: err });
  return new CliError('failed', err instanceof Error ? err.message : String(err), { cause: err });
}

async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw fromTargets(err);
  }
}

type Print = (line: string) => void;
const say: Print = (line) => console.log(line);

function describeBuild(e: BuildEvent): string | null {
  const name = e.service.padEnd(16);
  switch (e.kind) {
    case 'resolving':
    case 'bundling':
      return null;
    case 'cached':
      return `  ${name} ${color.dim(`unchanged ${e.digest.slice(0, 12)}`)}`;
    case 'done':
      return e.rebuilt ? `  ${name} built ${e.digest.slice(0, 12)} in ${Math.round(e.durationMs)} ms` : null;
    case 'failed':
      return `  ${name} ${color.red('failed')}: ${e.message}`;
  }
}

function describeTarget(e: TargetEvent): string {
  switch (e.kind) {
    case 'image':
      return `  ${e.service.padEnd(16)} image ${e.action} ${e.ref}`;
    case 'converge':
      return `  ${e.service.padEnd(16)} ${e.running}/${e.desired} running${e.done ? color.green(' ✓') : ''}`;
    case 'step':
    case 'file':
      return formatEvent(e);
  }
}

/** Services bricks builds (the rest name a Compose `image:` and run it as it is). */
function builtServices(stack: Stack): string[] {
  return Object.values(stack.services).filter((s) => imageSource(s).kind === 'built').map((s) => s.name);
}

async function buildArtifacts(stack: Stack, options: GlobalOptions, print: Print): Promise<readonly ServiceArtifact[]> {
  const only = builtServices(stack);
  if (only.length === 0) return [];
  print(`building ${only.length} service${only.length === 1 ? '' : 's'}`);
  const result = await buildStack(stack, {
    rootDir: workspaceRoot(stack.dir),
    outDir: pathsOf(options).artifacts,
    only,
    onProgress: (e) => {
      const line = describeBuild(e);
      if (line !== null) print(line);
    },
  });
  return result.services;
}

/**
 * The release an engine deployment is named by, then the stack it deploys: the store's external
 * secrets and each service's identity key go with it. The release is read first, so that the
 * work tree is judged as the user left it (a first deploy writes new identity keys into the
 * store beside the stack file), and nothing is written where there is no release to name.
 */
async function engineRelease(loaded: Stack, print: Print): Promise<{ stack: Stack; tag: string }> {
  const tag = await releaseOf(loaded, print);
  const stack = await forEngine(loaded, process.env, (services) =>
    print(color.yellow(`${STORE_FILE}: made an identity key for ${services.join(', ')}; commit the file, so that later deploys keep these keys (until then the work tree has uncommitted changes)`)),
  );
  return { stack, tag };
}

async function releaseOf(stack: Stack, print: Print): Promise<string> {
  const tag = releaseTag(await gitState(stack.dir));
  if (tag.includes('-dirty-')) print(color.yellow(`the work tree has uncommitted changes: this release is ${tag}`));
  return tag;
}

interface ImageFlags {
  readonly registry?: string;
  readonly baseImage?: string;
}

async function imagesOf(stack: Stack, tag: string, artifacts: readonly ServiceArtifact[], flags: ImageFlags, print: Print): Promise<ServiceImage[]> {
  if (artifacts.length === 0) return [];
  print(`images for ${tag}${flags.registry ? ` (registry ${flags.registry})` : ''}`);
  return buildImages(artifacts, {
    stack,
    sha: tag,
    ...(flags.registry ? { registry: flags.registry } : {}),
    ...(flags.baseImage ? { baseImage: flags.baseImage } : {}),
    onProgress: (e) => print(describeTarget(e)),
  });
}

export async function build(options: GlobalOptions & ImageFlags & { images?: boolean }): Promise<void> {
  const stack = await loadOrFail(options, null);
  await guarded(async () => {
    const started = performance.now();
    const tag = options.images === true ? await releaseOf(stack, say) : null;
    const artifacts = await buildArtifacts(stack, options, say);
    const images = tag === null ? [] : await imagesOf(stack, tag, artifacts, options, say);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const built = artifacts.filter((a) => a.rebuilt).length;
    const what = tag === null ? '' : `; images: ${images.filter((i) => i.action === 'built').length} built, ${images.filter((i) => i.action === 'reused').length} reused`;
    say(`${color.green('built')} ${artifacts.length} artifact${artifacts.length === 1 ? '' : 's'} (${built} changed)${what} in ${seconds} s`);
  });
}

interface SwarmFlags extends ImageFlags {
  readonly json?: boolean;
}

function printerFor(json: boolean | undefined): Print {
  return json === true ? () => {} : say;
}

export async function deploySwarmCommand(options: GlobalOptions & SwarmFlags): Promise<void> {
  const print = printerFor(options.json);
  const { stack, tag } = await guarded(async () => engineRelease(await loadOrFail(options, null), print));
  await guarded(async () => {
    const artifacts = await buildArtifacts(stack, options, print);
    const images = await imagesOf(stack, tag, artifacts, options, print);
    // Swarm has no autoscaler: a stack that autoscales gets bricks' own as a service.
    const autoscales = Object.values(stack.services).some((s) => s.bricks.autoscale !== undefined);
    const autoscalerImage = autoscales
      ? await buildAutoscalerImage({
        ...(options.registry ? { registry: options.registry } : {}),
        ...(options.baseImage ? { baseImage: options.baseImage } : {}),
        onProgress: (e) => print(describeTarget(e)),
      })
      : undefined;
    const result = await deploySwarm(stack, tag, {
      images: imageMap(images),
      ...(autoscalerImage === undefined ? {} : { autoscalerImage }),
      ...(options.registry ? { registry: true } : {}),
      onProgress: (e) => print(describeTarget(e)),
    });
    if (options.json === true) {
      console.log(JSON.stringify({ target: 'swarm', ...result }));
      return;
    }
    const rolled = result.updated.length === 0 ? 'no service changed' : `updated ${result.updated.join(', ')}`;
    const kept = result.unchanged.length === 0 ? '' : `; unchanged ${result.unchanged.join(', ')}`;
    say(`${color.green('deployed')} ${tag.slice(0, 12)} to swarm stack ${result.stack}: ${rolled}${kept} (${(result.durationMs / 1000).toFixed(1)} s)`);
  });
}

export async function rollbackSwarmCommand(ref: string, options: GlobalOptions & { json?: boolean }): Promise<void> {
  const stack = await loadOrFail(options, null);
  const print = printerFor(options.json);
  await guarded(async () => {
    const sha = resolveSwarmRef(await readSwarmHistory(swarmDir(stack, {})), ref);
    const result = await rollbackSwarm(stack, sha, { onProgress: (e) => print(describeTarget(e)) });
    if (options.json === true) {
      console.log(JSON.stringify({ target: 'swarm', ...result }));
      return;
    }
    const rolled = result.updated.length === 0 ? 'no service changed' : `updated ${result.updated.join(', ')}`;
    say(`${color.green('rolled back')} swarm stack ${result.stack} to ${sha.slice(0, 12)}: ${rolled} (${(result.durationMs / 1000).toFixed(1)} s)`);
  });
}

export function renderTasks(tasks: readonly SwarmTask[]): string {
  const rows = tasks.map((t) => {
    const state = t.desiredState === 'Running' && t.currentState.startsWith('Running') ? color.green(t.currentState) : t.currentState;
    return [t.name, t.image, t.node, t.desiredState, state, t.ports, t.error];
  });
  return table(['TASK', 'IMAGE', 'NODE', 'DESIRED', 'CURRENT', 'PORTS', 'ERROR'], rows);
}

export async function psSwarmCommand(options: GlobalOptions & { json?: boolean }): Promise<void> {
  const stack = await loadOrFail(options, null);
  const tasks = await guarded(() => swarmPs(stack));
  if (options.json === true) {
    console.log(JSON.stringify({ stack: swarmStackName(stack), tasks }, null, 2));
    return;
  }
  console.log(tasks.length === 0 ? `swarm stack ${swarmStackName(stack)} is not deployed` : renderTasks(tasks));
}

export async function downSwarmCommand(options: GlobalOptions & { volumes?: boolean }): Promise<void> {
  const stack = await loadOrFail(options, null);
  const volumes = options.volumes === true;
  await guarded(() => removeSwarm(stack, { onProgress: (e) => say(describeTarget(e)), volumes }));
  say(`${color.green('removed')} swarm stack ${swarmStackName(stack)}${volumes ? ' and its volumes' : ''}`);
}

export async function manifests(
  options: GlobalOptions & ImageFlags & { target?: string; out?: string; helm?: boolean; namespace?: string; images?: boolean; prometheusUrl?: string; serviceMonitors?: boolean },
): Promise<void> {
  const target = parseTarget(options.target ?? 'kubernetes', ['kubernetes'], 'manifests');
  if (options.out === undefined) throw new CliError('usage', 'bricks manifests: name the output directory with -o DIR');
  const out = resolve(options.out);
  const { stack, tag } = await guarded(async () => engineRelease(await loadOrFail(options, null), say));
  await guarded(async () => {
    // With --images the manifests name the images really built (an unchanged service keeps its
    // earlier reference, so the cluster leaves its pods alone); otherwise `<repo>:<sha>` for all.
    const images = options.images === true ? imageMap(await imagesOf(stack, tag, await buildArtifacts(stack, options, say), options, say)) : undefined;
    const files = options.helm === true
      ? await writeChart(renderHelmChart(stack, {
        sha: tag, ...(options.registry ? { registry: options.registry } : {}), ...(images ? { tags: imageTags(images) } : {}),
        ...(options.prometheusUrl ? { prometheusUrl: options.prometheusUrl } : {}), serviceMonitors: options.serviceMonitors === true,
      }), out)
      : await writeManifests(renderManifests(stack, {
        sha: tag,
        ...(options.registry ? { registry: options.registry } : {}),
        ...(options.namespace ? { namespace: options.namespace } : {}),
        ...(images ? { images } : {}),
        ...(options.prometheusUrl ? { prometheusUrl: options.prometheusUrl } : {}),
        serviceMonitors: options.serviceMonitors === true,
      }), out);
    const how = options.helm === true ? `helm install ${swarmStackName(stack)} ${out}` : `kubectl apply -f ${out}`;
    say(`${color.green('wrote')} ${files.length} ${target} file${files.length === 1 ? '' : 's'} to ${out} for ${tag.slice(0, 12)}; apply with \`${how}\``);
  });
}

/** The tag of each image reference (`reg:5000/team/arcade-catalog:abc` → `abc`). */
export function imageTags(images: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [service, ref] of Object.entries(images)) {
    const colon = ref.lastIndexOf(':');
    if (colon > ref.lastIndexOf('/')) out[service] = ref.slice(colon + 1);
  }
  return out;
}
