// Applies one fact (a replica spawned, exited, answered a probe) to a service's state.
// Pure: the planner decides what to do about it on the next tick.
import type { HealthPolicy, RestartPolicy } from './types.ts';
import { restartDelay } from './backoff.ts';
import { slotOf, withoutReplica, withReplica, withSlot } from './state.ts';
import type { ExitInfo, Replica, ReplicaEvent, ServiceState, SlotState } from './types.ts';

/** Time a replica gets for its first liveness success when start_period is not set (3 × 10 s in Kubernetes). */
export const DEFAULT_STARTUP_MS = 30_000;

export interface EventContext {
  readonly restart: RestartPolicy;
  readonly health: HealthPolicy;
}

export function applyEvent(state: ServiceState, event: ReplicaEvent, ctx: EventContext): ServiceState {
  const replica = state.replicas.find((r) => r.id === event.replicaId);
  if (replica === undefined) return state; // a late report about a replica already forgotten
  switch (event.type) {
    case 'spawned':
      return withReplica(state, replica.id, (r) => ({
        ...r,
        pid: event.pid,
        port: event.port,
        startedAt: event.at,
        // A stop may have been decided while the spawn was under way; keep it.
        phase: r.phase === 'stopping' ? 'stopping' : 'running',
        // Nothing to wait for when readiness is not probed.
        ready: r.phase !== 'stopping' && ctx.health.readiness.kind === 'none',
        everReady: r.everReady || ctx.health.readiness.kind === 'none',
        readyAt: ctx.health.readiness.kind === 'none' ? event.at : r.readyAt,
      }));
    case 'spawn-failed':
      return recordExit(state, replica, { code: null, signal: null, at: event.at }, ctx.restart);
    case 'exited':
      return recordExit(state, replica, event, ctx.restart);
    case 'probe':
      return withReplica(state, replica.id, (r) => applyProbe(r, event.check, event.ok, event.at, ctx.health));
  }
}

function applyProbe(r: Replica, check: 'readiness' | 'liveness', ok: boolean, at: number, health: HealthPolicy): Replica {
  if (r.phase !== 'running') return r;
  const ranMs = r.startedAt === null ? 0 : at - r.startedAt;
  if (check === 'readiness') {
    if (ok) {
      const readyAt = r.readyAt ?? at;
      return { ...r, ready: true, everReady: true, readyAt, readiness: { successes: r.readiness.successes + 1, failures: 0 } };
    }
    const failures = r.readiness.failures + 1;
    // One failure is noise; `retries` in a row take the replica out of routing.
    const ready = r.ready && failures < health.timing.retries;
    return { ...r, ready, readiness: { successes: r.readiness.successes, failures } };
  }
  if (ok) return { ...r, liveness: { successes: r.liveness.successes + 1, failures: 0 } };
  // Like Docker: failures inside start_period do not count, until the first success ends it.
  // Without a start_period a program still needs time to boot before it can answer: it gets
  // DEFAULT_STARTUP_MS to answer once, like Kubernetes' default startupProbe budget.
  const startup = health.timing.startPeriodMs > 0 ? health.timing.startPeriodMs : DEFAULT_STARTUP_MS;
  if (r.liveness.successes === 0 && ranMs < startup) return r;
  return { ...r, liveness: { successes: r.liveness.successes, failures: r.liveness.failures + 1 } };
}

/**
 * A replica's process is gone. Planned stops just leave; anything else is a failure or a
 * completion of its slot, and the restart policy sets when the slot may start again.
 */
function recordExit(
  state: ServiceState,
  replica: Replica,
  exit: { code: number | null; signal: string | null; at: number },
  policy: RestartPolicy,
): ServiceState {
  const without = withoutReplica(state, replica.id);
  const ranMs = replica.startedAt === null ? 0 : exit.at - replica.startedAt;
  const lastExit = { code: exit.code, signal: exit.signal, at: exit.at, ranMs };
  const slot = slotOf(state, replica.slot);
  const why = `${replica.name} exited (${exit.signal ?? `code ${exit.code}`})`;
  const next = replica.phase === 'stopping' ? without : countRolloutFailure(without, replica, why);
  return afterExit(next, replica, slot, lastExit, policy);
}

/** A replica of the version being rolled out failed: the rollout counts it. */
export function countRolloutFailure(state: ServiceState, replica: Replica, reason: string): ServiceState {
  const rollout = state.rollout;
  if (rollout === null || rollout.state !== 'rolling' || rollout.version !== replica.version) return state;
  return { ...state, rollout: { ...rollout, failures: rollout.failures + 1, reason } };
}

function afterExit(without: ServiceState, replica: Replica, slot: SlotState, lastExit: ExitInfo, policy: RestartPolicy): ServiceState {
  if (replica.phase === 'stopping') {
    // Liveness stops were already counted as failures when decided; others are not failures.
    return withSlot(without, { ...slot, lastExit });
  }
  // Another active replica in the slot (a rolling update's new one) carries the slot on.
  if (without.replicas.some((r) => r.slot === replica.slot && r.phase !== 'stopping')) {
    return withSlot(without, { ...slot, lastExit });
  }
  const clean = lastExit.code === 0;
  const finished = policy.condition === 'none' || (policy.condition === 'on-failure' && clean);
  if (finished) return withSlot(without, { ...slot, lastExit, completed: true });
  return withSlot(without, countFailure(slot, policy, lastExit.at, lastExit.ranMs, lastExit));
}

/** One more failure of a slot: back-off grows, attempts count, maybe give up. */
export function countFailure(
  slot: SlotState,
  policy: RestartPolicy,
  at: number,
  ranMs: number,
  lastExit: SlotState['lastExit'],
): SlotState {
  // A run that outlived the window was a success: the streak starts over (Compose `window`).
  const stable = ranMs >= policy.windowMs;
  const failures = (stable ? 0 : slot.failures) + 1;
  const attempts = (stable ? 0 : slot.attempts) + 1;
  const gaveUp = policy.maxAttempts !== null && attempts > policy.maxAttempts;
  return {
    ...slot,
    failures,
    attempts,
    restarts: gaveUp ? slot.restarts : slot.restarts + 1,
    nextStartAt: at + restartDelay(policy, failures),
    lastExit,
    gaveUp,
  };
}
