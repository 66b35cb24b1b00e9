// `swarmPs` lists a stack's tasks; `removeSwarm` takes the stack down and waits until its
// services and networks are gone (Swarm removes networks a few seconds after the tasks), and
// on request its named volumes.
//
// `docker stack rm` removes services and then at once the stack's networks; a network whose
// tasks are still shutting down is refused ("is in use by task") and the command exits 1 with
// the services already gone. That is a race in Swarm, not a failure of the removal: the wait
// below removes the leftover networks itself once the stack's containers are gone.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Stack } from '../../stack/model.ts';
import { docker, dockerFailure, dockerProblem, runDocker } from '../docker/cli.ts';
import type { DockerRunner } from '../docker/cli.ts';
import { TargetError } from '../errors.ts';
import type { OnProgress } from '../progress.ts';
import { readTasks } from './observe.ts';
import type { Task } from './observe.ts';
import { swarmStackName } from './render.ts';

export interface SwarmCallOptions {
  readonly docker?: DockerRunner;
  readonly signal?: AbortSignal;
  readonly onProgress?: OnProgress;
}

export async function swarmPs(stack: Stack, opts: SwarmCallOptions = {}): Promise<Task[]> {
  const run = opts.docker ?? runDocker;
  const problem = await dockerProblem(run, { swarm: true });
  if (problem !== null) throw new TargetError('docker-unavailable', problem);
  const name = swarmStackName(stack);
  const r = await run(['stack', 'ps', '--format', '{{.ID}}', name]);
  // `docker stack ps` exits non-zero for a stack that is not deployed: that is an empty list.
  if (r.code !== 0 && /nothing found in stack/i.test(r.stderr)) return [];
  return readTasks(run, name, opts.signal);
}

/**
 * `volumes`: also remove the stack's named volumes once its containers are gone (as `docker
 * compose down -v`); by default they stay, as with `docker stack rm`, so a later deploy finds its data.
 */
export async function removeSwarm(
  stack: Stack,
  opts: SwarmCallOptions & { deadlineMs?: number; pollMs?: number; now?: () => number; volumes?: boolean } = {},
): Promise<void> {
  const run = opts.docker ?? runDocker;
  const now = opts.now ?? Date.now;
  const sig = opts.signal ? { signal: opts.signal } : {};
  const name = swarmStackName(stack);
  const label = `label=com.docker.stack.namespace=${name}`;
  opts.onProgress?.({ kind: 'step', message: `docker stack rm ${name}` });
  const rm = await run(['stack', 'rm', name], sig);
  if (rm.code !== 0 && !networkStillInUse(rm.stderr)) throw dockerFailure(['stack', 'rm', name], rm);
  // 60 s: removing a handful of tasks and their overlay network takes a few seconds here.
  const deadline = now() + (opts.deadlineMs ?? 60_000);
  for (;;) {
    const services = (await docker(run, ['service', 'ls', '-q', '--filter', label], sig)).trim();
    const networks = (await docker(run, ['network', 'ls', '-q', '--filter', label], sig)).trim();
    const containers = (await docker(run, ['ps', '-aq', '--filter', label], sig)).trim();
    if (!services && !networks && !containers) {
      if (opts.volumes === true) await removeVolumes(run, name, label, opts);
      return;
    }
    // Swarm does not retry a network it refused during `stack rm`: remove it once nothing uses it.
    // Refused again while a task is still detaching, it is tried on the next poll.
    if (!services && !containers && networks) {
      const ids = networks.split('\n');
      const left = await run(['network', 'rm', ...ids], sig);
      if (left.code !== 0 && !networkStillInUse(left.stderr) && !networkGone(left.stderr)) {
        throw dockerFailure(['network', 'rm', ...ids], left);
      }
    }
    if (now() >= deadline) {
      throw new TargetError('not-converged', `stack ${name} was not fully removed in time (services: ${services ? 'left' : 'gone'}, networks: ${networks ? 'left' : 'gone'}, containers: ${containers ? 'left' : 'gone'})`);
    }
    try {
      await sleep(opts.pollMs ?? 500, undefined, sig);
    } catch (err) {
      throw new TargetError('aborted', 'stack removal cancelled', { cause: err });
    }
  }
}

/** Swarm refused a network because a task being shut down still holds it: wait, then retry. */
function networkStillInUse(stderr: string): boolean {
  return /is in use by task|has active endpoints/i.test(stderr);
}

/** Swarm removed the network itself between our listing and our `network rm`. */
function networkGone(stderr: string): boolean {
  return /not found|no such network/i.test(stderr);
}

async function removeVolumes(run: DockerRunner, name: string, label: string, opts: SwarmCallOptions): Promise<void> {
  const sig = opts.signal ? { signal: opts.signal } : {};
  const volumes = (await docker(run, ['volume', 'ls', '-q', '--filter', label], sig)).split('\n').filter((v) => v !== '');
  if (volumes.length === 0) return;
  opts.onProgress?.({ kind: 'step', message: `docker volume rm ${volumes.join(' ')}` });
  await docker(run, ['volume', 'rm', ...volumes], sig).catch((err: unknown) => {
    throw new TargetError('docker-failed', `stack ${name} is removed, but not its volumes (${volumes.join(', ')}): ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  });
}
