// Applies a Swarm stack file and waits until Swarm has carried it out: every service runs its
// image with all replicas (healthy, where it has a healthcheck) and no update in flight.
import { setTimeout as sleep } from 'node:timers/promises';
import { docker, dockerProblem, runDocker } from '../docker/cli.ts';
import type { DockerRunner } from '../docker/cli.ts';
import { TargetError } from '../errors.ts';
import type { OnProgress } from '../progress.ts';
import { convergence, serviceConverged, taskErrors } from './converge.ts';
import type { Expected } from './converge.ts';
import { readServices, readTasks } from './observe.ts';

export interface ApplyOptions {
  readonly docker?: DockerRunner;
  readonly onProgress?: OnProgress;
  readonly signal?: AbortSignal;
  /** How long Swarm gets to converge. Default 180 s: a cold start of a few services with health checks on this 2-core machine takes well under a minute. */
  readonly deadlineMs?: number;
  /** Default 500 ms: `docker service ls` + `inspect` cost ~50 ms here, so polling stays cheap. */
  readonly pollMs?: number;
  /** Images come from a registry: pass credentials to the nodes and pin digests. */
  readonly registry?: boolean;
  readonly now?: () => number;
}

export interface DeployResult {
  readonly stack: string;
  readonly sha: string;
  readonly file: string;
  /** Services whose tasks the deploy replaced (or created). */
  readonly updated: readonly string[];
  /** Services whose tasks were left running as they were. */
  readonly unchanged: readonly string[];
  readonly durationMs: number;
}

export async function applyStackFile(
  stackName: string,
  sha: string,
  file: string,
  images: Readonly<Record<string, string>>,
  opts: ApplyOptions,
): Promise<DeployResult> {
  const run = opts.docker ?? runDocker;
  const now = opts.now ?? Date.now;
  const emit = opts.onProgress ?? (() => {});
  const sig = opts.signal ? { signal: opts.signal } : {};
  const started = now();
  const problem = await dockerProblem(run, { swarm: true });
  if (problem !== null) throw new TargetError('docker-unavailable', problem);

  const before = await readServices(run, stackName, opts.signal);
  emit({ kind: 'step', message: `docker stack deploy ${stackName} (${sha})` });
  await docker(run, [
    'stack', 'deploy', '--compose-file', file, '--prune', '--with-registry-auth',
    '--resolve-image', opts.registry ? 'always' : 'never', stackName,
  ], sig);

  const after = await readServices(run, stackName, opts.signal);
  const expected: Record<string, Expected> = {};
  const updated: string[] = [];
  const unchanged: string[] = [];
  for (const [name, image] of Object.entries(images)) {
    const was = before.get(name);
    const is = after.get(name);
    if (was && is && was.taskSpecJson !== is.taskSpecJson) {
      expected[name] = { image, replacedAfter: was.updateStartedAt };
      updated.push(name);
    } else {
      expected[name] = { image };
      (was ? unchanged : updated).push(name);
    }
  }

  const deadline = started + (opts.deadlineMs ?? 180_000);
  const reported = new Map<string, string>();
  let services = after;
  for (;;) {
    for (const [name, s] of services) {
      const want = expected[name];
      if (!want) continue;
      const done = serviceConverged(s, want);
      const key = `${s.running}/${s.desired ?? '-'}/${done}`;
      if (reported.get(name) === key) continue;
      reported.set(name, key);
      emit({ kind: 'converge', service: name, running: s.running, desired: s.desired ?? s.running, done });
    }
    const c = convergence(services, expected);
    switch (c.kind) {
      case 'converged':
        return { stack: stackName, sha, file, updated, unchanged, durationMs: now() - started };
      case 'failed': {
        const errors = taskErrors(await readTasks(run, stackName, opts.signal), [c.service]);
        throw new TargetError('not-converged', `${c.service}: ${c.reason}\n${errors.join('\n')}`);
      }
      case 'waiting':
        if (now() >= deadline) {
          const errors = taskErrors(await readTasks(run, stackName, opts.signal), c.pending);
          throw new TargetError('not-converged', `stack ${stackName} did not converge within ${Math.round((opts.deadlineMs ?? 180_000) / 1000)}s; waiting for ${c.pending.join(', ')}\n${errors.join('\n')}`);
        }
        break;
    }
    try {
      await sleep(opts.pollMs ?? 500, undefined, sig);
    } catch (err) {
      throw new TargetError('aborted', 'deploy cancelled while waiting for convergence', { cause: err });
    }
    services = await readServices(run, stackName, opts.signal);
  }
}
