// The desired state of one service: its spec (what should run, at which version), and the
// target that spec gives the reconciler once the supervisor adds what it knows now (the scale,
// a restart token, whether the dependencies allow a start).
import type { Command, Service } from '../../stack/model.ts';
import { isActive, withRestartToken } from '../reconciler/index.ts';
import type { FailureAction, ServiceState, ServiceTarget, UpdatePolicy } from '../reconciler/index.ts';
import { localSettings } from '../local-defaults.ts';

/** What one service should run: its configuration, the program, and the version that names both. */
export interface ServiceSpec {
  readonly config: Service;
  readonly command: Command;
  readonly cwd: string;
  /** Replicas of another version are replaced by a rolling update. */
  readonly version: string;
  /** Overrides update_config's failure_action: a rollback is never itself rolled back. */
  readonly failureAction?: FailureAction;
  /** The services this unit's replicas serve (an `x-bricks.group`); default: itself. */
  readonly members?: readonly string[];
  /** Overrides of update_config for the rollout to this version (a secret's rotation replaces every replica at once). */
  readonly update?: Partial<Pick<UpdatePolicy, 'parallelism'>>;
}

export interface TargetInput {
  readonly replicas: number;
  /** `bricks restart` count: each one is a new version of the same spec. */
  readonly restartToken: number;
  readonly canStart: boolean;
}

export function serviceTarget(spec: ServiceSpec, now: TargetInput): ServiceTarget {
  const local = localSettings(spec.config);
  const update = local.update;
  return {
    replicas: now.replicas,
    version: withRestartToken(spec.version, now.restartToken),
    restart: local.restart,
    health: local.health,
    stopGracePeriodMs: local.stopGracePeriodMs,
    update: { ...update, ...spec.update, ...(spec.failureAction === undefined ? {} : { failureAction: spec.failureAction }) },
    canStart: now.canStart,
  };
}

/**
 * Whether every `depends_on` condition holds; `stateOf` gives the state of the unit that runs a
 * service, `desiredOf` how many replicas it is set to run. A dependency scaled to zero counts as
 * met: it starts when a request reaches it, not before its dependents.
 */
export function dependenciesMet(s: Service, stateOf: (service: string) => ServiceState | undefined, desiredOf: (service: string) => number = () => 1): boolean {
  return s.dependsOn.every((dep) => {
    const state = stateOf(dep.service);
    if (state === undefined || desiredOf(dep.service) === 0) return true;
    if (dep.condition === 'service_healthy') return state.replicas.some((r) => isActive(r) && r.ready);
    return state.replicas.some((r) => r.phase === 'running') || Object.values(state.slots).some((x) => x.completed);
  });
}
