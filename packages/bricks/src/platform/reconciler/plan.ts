// The decision: compare one service's observed state with its target at `now` and return the
// next state plus the actions that move the world toward it. Pure; no I/O, no clock.
import { countFailure, countRolloutFailure } from './events.ts';
import { isActive, isRoutable, slotOf, withReplica, withSlot } from './state.ts';
import type { Action, Replica, ServiceState, ServiceTarget, StopReason } from './types.ts';

export interface Plan {
  readonly state: ServiceState;
  readonly actions: readonly Action[];
}

export function plan(initial: ServiceState, target: ServiceTarget, now: number): Plan {
  const p = new Planner(initial, target, now);
  p.trackRollout();
  p.replaceDead();
  p.expireUnready();
  p.judgeFailures();
  p.scaleDown();
  p.rollingUpdate();
  p.fillSlots();
  p.judgeCompletion();
  return p.finish();
}

/** Accumulates one tick's decisions over a working copy of the state. */
class Planner {
  private readonly stops: Action[] = [];
  private readonly starts: Action[] = [];
  private readonly wakes: number[] = [];
  private readonly verdicts: Action[] = [];

  constructor(
    private state: ServiceState,
    private readonly target: ServiceTarget,
    private readonly now: number,
  ) {}

  /** A new target version starts a new rollout record; its failures are counted from zero. */
  trackRollout(): void {
    if (this.state.rollout?.version === this.target.version) return;
    const initial = !this.state.replicas.some(isActive);
    const rollout = { version: this.target.version, startedAt: this.now, failures: 0, state: 'rolling' as const, reason: null, initial };
    this.state = { ...this.state, rollout };
  }

  /** Liveness: a replica that failed `retries` probes in a row is replaced. */
  replaceDead(): void {
    const { target, now } = this;
    if (target.health.liveness.kind === 'none') return;
    for (const r of this.state.replicas) {
      if (!isActive(r) || r.liveness.failures < target.health.timing.retries) continue;
      const ranMs = r.startedAt === null ? 0 : now - r.startedAt;
      const slot = slotOf(this.state, r.slot);
      this.state = withSlot(this.state, countFailure(slot, target.restart, now, ranMs, slot.lastExit));
      this.state = countRolloutFailure(this.state, r, `${r.name} failed its liveness check ${r.liveness.failures} times`);
      this.stop(r, 'liveness');
    }
  }

  /** A replica of the new version that never became ready in time fails the rollout and makes room. */
  expireUnready(): void {
    const { target, now } = this;
    for (const r of this.state.replicas) {
      if (!isActive(r) || r.everReady || r.version !== target.version) continue;
      if (now - r.createdAt < target.update.readyTimeoutMs) {
        if (Number.isFinite(target.update.readyTimeoutMs)) this.wakes.push(r.createdAt + target.update.readyTimeoutMs);
        continue;
      }
      const slot = slotOf(this.state, r.slot);
      this.state = withSlot(this.state, countFailure(slot, target.restart, now, now - (r.startedAt ?? now), slot.lastExit));
      this.state = countRolloutFailure(this.state, r, `${r.name} was not ready ${target.update.readyTimeoutMs} ms after it started`);
      this.stop(r, 'unready');
    }
  }

  /** Slots above the desired count leave, and so does their history. */
  scaleDown(): void {
    for (const r of this.state.replicas) {
      if (isActive(r) && r.slot > this.target.replicas) this.stop(r, 'scale-down');
    }
    const kept = Object.entries(this.state.slots).filter(([slot]) => Number(slot) <= this.target.replicas);
    this.state = { ...this.state, slots: Object.fromEntries(kept) };
  }

  /**
   * Replicas of another version are replaced, `parallelism` slots at a time, `delay` apart.
   * start-first: a new replica starts beside the old one; the old one stops once the new one
   * is ready. stop-first: the old one stops and fillSlots starts the new one when it is gone.
   */
  rollingUpdate(): void {
    const { target, now } = this;
    let inFlight = 0;
    const outdated: Replica[][] = [];
    for (let slot = 1; slot <= target.replicas; slot++) {
      const active = this.state.replicas.filter((r) => r.slot === slot && isActive(r));
      if (active.length === 0) {
        inFlight++; // empty: fillSlots refills it, and the update waits for that
        continue;
      }
      const old = active.filter((r) => r.version !== target.version);
      const fresh = active.find((r) => r.version === target.version);
      if (old.length === 0) {
        // A refilled slot (stop-first) is still in flight until its new replica is ready.
        if (fresh !== undefined && !fresh.ready) inFlight++;
        continue;
      }
      if (fresh === undefined) outdated.push(old);
      else if (fresh.ready) for (const r of old) this.stop(r, 'update');
      else inFlight++;
    }
    // A paused or failed rollout starts no further step (a rollback arrives as a new target).
    if (this.state.rollout?.state === 'paused' || this.state.rollout?.state === 'failed') return;
    for (const old of outdated) {
      if (inFlight >= target.update.parallelism || !target.canStart) return;
      const nextStepAt = this.state.lastUpdateStepAt + target.update.delayMs;
      if (now < nextStepAt) {
        this.wakes.push(nextStepAt);
        return;
      }
      inFlight++;
      this.state = { ...this.state, lastUpdateStepAt: now };
      const slot = old[0]?.slot ?? 0;
      if (target.update.order === 'start-first') this.start(slot);
      else for (const r of old) this.stop(r, 'update');
    }
  }

  /** Every slot with nothing running in it starts a replica once its back-off has passed. */
  fillSlots(): void {
    const { target, now } = this;
    for (let slot = 1; slot <= target.replicas; slot++) {
      const inSlot = this.state.replicas.filter((r) => r.slot === slot);
      if (inSlot.some(isActive)) continue;
      const history = slotOf(this.state, slot);
      if (history.gaveUp || history.completed || !target.canStart) continue;
      // stop-first: the old replica must be gone before the new one starts.
      if (target.update.order === 'stop-first' && inSlot.some((r) => r.stopReason === 'update')) continue;
      if (now < history.nextStartAt) {
        this.wakes.push(history.nextStartAt);
        continue;
      }
      this.start(slot);
    }
  }

  /**
   * Too many failures of the new version: `failure_action` — pause, or failed so the deployer
   * rolls back (continue ignores them). Decided before any further step is taken.
   */
  judgeFailures(): void {
    const rollout = this.state.rollout;
    if (rollout === null || rollout.state !== 'rolling') return;
    const update = this.target.update;
    const tolerated = update.maxFailureRatio * Math.max(1, this.target.replicas);
    if (update.failureAction !== 'continue' && rollout.failures > tolerated) {
      this.endRollout(update.failureAction === 'pause' ? 'paused' : 'failed', rollout.reason);
    }
  }

  /** Done once every slot runs a ready replica of the new version, no old one is left, and the newest held for `monitor`. */
  judgeCompletion(): void {
    const { target, now } = this;
    const rollout = this.state.rollout;
    if (rollout === null || rollout.state !== 'rolling') return;
    const update = target.update;
    const fresh = this.state.replicas.filter((r) => isActive(r) && r.version === target.version && r.slot <= target.replicas);
    const slotsDone = new Set(fresh.filter((r) => r.ready).map((r) => r.slot));
    const leftovers = this.state.replicas.some((r) => (isActive(r) && r.version !== target.version) || (r.phase === 'stopping' && r.stopReason === 'update'));
    if (slotsDone.size < target.replicas || leftovers) return;
    const lastReady = Math.max(rollout.startedAt, ...fresh.map((r) => r.readyAt ?? 0));
    // `monitor` watches a new version against the old one; a first start has none to go back to.
    const monitorMs = rollout.initial ? 0 : update.monitorMs;
    if (now < lastReady + monitorMs) {
      this.wakes.push(lastReady + monitorMs);
      return;
    }
    this.endRollout('completed', null);
  }

  private endRollout(state: 'paused' | 'failed' | 'completed', reason: string | null): void {
    const rollout = this.state.rollout;
    if (rollout === null) return;
    this.state = { ...this.state, rollout: { ...rollout, state, reason } };
    this.verdicts.push({ type: 'rollout', service: this.state.name, version: rollout.version, state, reason });
  }

  /** Routing follows readiness and is sent before any stop, so traffic leaves first. */
  finish(): Plan {
    const actions: Action[] = [];
    const routed = this.state.replicas.filter(isRoutable).map((r) => r.id).sort();
    if (routed.join() !== this.state.routed.join()) {
      this.state = { ...this.state, routed };
      actions.push({ type: 'route', service: this.state.name, replicaIds: routed });
    }
    actions.push(...this.stops, ...this.starts, ...this.verdicts);
    if (this.wakes.length > 0) actions.push({ type: 'wake', at: Math.min(...this.wakes) });
    return { state: this.state, actions };
  }

  private stop(r: Replica, reason: StopReason): void {
    const now = this.now;
    this.state = withReplica(this.state, r.id, (x) => ({ ...x, phase: 'stopping', ready: false, stopReason: reason, stoppingSince: now }));
    this.stops.push({ type: 'stop', replica: r, reason, graceMs: this.target.stopGracePeriodMs });
  }

  private start(slot: number): void {
    const generation = this.state.nextGeneration;
    const name = `${this.state.name}.${slot}`;
    const replica: Replica = {
      id: `${name}#${generation}`,
      name,
      service: this.state.name,
      slot,
      generation,
      version: this.target.version,
      phase: 'starting',
      pid: null,
      port: null,
      createdAt: this.now,
      startedAt: null,
      ready: false,
      everReady: false,
      readyAt: null,
      readiness: { successes: 0, failures: 0 },
      liveness: { successes: 0, failures: 0 },
      stopReason: null,
      stoppingSince: null,
    };
    this.starts.push({ type: 'start', replica });
    this.state = { ...this.state, replicas: [...this.state.replicas, replica], nextGeneration: generation + 1 };
  }
}
