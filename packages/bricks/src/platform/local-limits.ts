// What the local target refuses to start: more replicas of one service than this machine
// should run. Every replica is a process on the laptop, so `deploy.replicas: 5000` (a number
// meant for a cluster, or a typo) would fork thousands of Node processes. The same stack file
// deploys to Swarm and Kubernetes unchanged: the limit is checked only where the target is local.
import type { CheckIssue, Stack, StackCheck } from '../stack/model.ts';
import { localSettings } from './local-defaults.ts';

/**
 * The most replicas of one service the local target starts unless the stack raises it with
 * the top-level `x-bricks.max_local_replicas`. An SDK replica takes about 50 MB; 64 of one
 * service is some 3 GB and far past what a laptop's cores can keep busy, so a larger number
 * is far more likely meant for a cluster than for this machine.
 */
export const DEFAULT_MAX_LOCAL_REPLICAS = 64;

export function maxLocalReplicas(stack: Stack): number {
  return stack.bricks.maxLocalReplicas ?? DEFAULT_MAX_LOCAL_REPLICAS;
}

/** Why `replicas` is too many for a service here, or null. */
export function localReplicaProblem(stack: Stack, service: string, replicas: number): string | null {
  const max = maxLocalReplicas(stack);
  if (replicas <= max) return null;
  return `${replicas} replicas of ${service} would be ${replicas} processes on this machine; the local target runs at most ${max} of one service. ` +
    `Set a smaller number, or raise the limit with the top-level x-bricks.max_local_replicas (Swarm and Kubernetes deploys are not limited)`;
}

/** The stack check `bricks up`, `bricks validate` and the daemon load the stack with. */
export const localLimits: StackCheck = (stack) => {
  const issues: CheckIssue[] = [];
  for (const s of Object.values(stack.services)) {
    const replicas = localSettings(s).replicas;
    const problem = localReplicaProblem(stack, s.name, replicas);
    if (problem !== null) issues.push({ code: 'limit', at: ['services', s.name, 'deploy', 'replicas'], message: problem });
    if (s.backing !== undefined && (replicas > 1 || s.bricks.autoscale !== undefined)) {
      issues.push({ code: 'limit', at: ['services', s.name, s.bricks.autoscale === undefined ? 'deploy' : 'x-bricks', s.bricks.autoscale === undefined ? 'replicas' : 'autoscale'], message: `${s.name} is a backing service (${s.backing.kind}): the local target runs one server process that owns its data; scale its clients instead` });
    }
    const max = s.bricks.autoscale?.max;
    if (max !== undefined) {
      const auto = localReplicaProblem(stack, s.name, max);
      if (auto !== null) issues.push({ code: 'limit', at: ['services', s.name, 'x-bricks', 'autoscale', 'max'], message: `autoscale max: ${auto}` });
    }
  }
  return issues;
};
