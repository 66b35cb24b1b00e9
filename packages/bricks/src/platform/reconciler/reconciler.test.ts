// Decisions tested synchronously: a fake clock is just the `now` number passed in.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyEvent, emptyServiceState, plan, restartDelay, serviceCondition } from './index.ts';
import type { Action, HealthPolicy, ReplicaEvent, RestartPolicy, ServiceState, ServiceTarget, UpdatePolicy } from './index.ts';

const restart: RestartPolicy = { condition: 'any', delayMs: 100, maxDelayMs: 10_000, maxAttempts: null, windowMs: 10_000 };
const health: HealthPolicy = {
  readiness: { kind: 'http', path: '/ready' },
  liveness: { kind: 'http', path: '/live' },
  timing: { intervalMs: 1000, timeoutMs: 1000, retries: 3, startPeriodMs: 0, startIntervalMs: 100 },
};

const update: UpdatePolicy = {
  parallelism: 1,
  delayMs: 0,
  order: 'start-first',
  monitorMs: 0,
  maxFailureRatio: 0,
  failureAction: 'rollback',
  readyTimeoutMs: Infinity, // the tests that need it set one
};

function target(over: Partial<ServiceTarget> = {}): ServiceTarget {
  return {
    replicas: 2,
    version: 'v1',
    restart,
    health,
    stopGracePeriodMs: 10_000,
    update,
    canStart: true,
    ...over,
  };
}

/** A tiny world: the state plus a clock, with helpers that act like the runtime. */
class World {
  state: ServiceState = emptyServiceState('api');
  now = 1_000;
  nextPid = 100;
  constructor(public t: ServiceTarget = target()) {}

  /** Rollout verdicts seen so far, kept apart so the other tests read only what they check. */
  verdicts: Action[] = [];
  tick(): Action[] {
    const p = plan(this.state, this.t, this.now);
    this.state = p.state;
    this.verdicts.push(...p.actions.filter((a) => a.type === 'rollout'));
    return p.actions.filter((a) => a.type !== 'rollout');
  }
  event(e: ReplicaEvent): void {
    this.state = applyEvent(this.state, e, { restart: this.t.restart, health: this.t.health });
  }
  /** Spawn every starting replica, answer readiness, and tick: the runtime's part. */
  bringUp(): void {
    for (const r of this.state.replicas.filter((x) => x.phase === 'starting')) {
      this.event({ type: 'spawned', replicaId: r.id, pid: this.nextPid++, port: 40_000 + r.generation, at: this.now });
    }
    for (const r of this.state.replicas.filter((x) => x.phase === 'running' && !x.ready)) {
      this.event({ type: 'probe', replicaId: r.id, check: 'readiness', ok: true, at: this.now });
    }
  }
  exit(id: string, code: number | null = 1, signal: string | null = null): void {
    this.event({ type: 'exited', replicaId: id, code, signal, at: this.now });
  }
  ids(phase?: string): string[] {
    return this.state.replicas.filter((r) => phase === undefined || r.phase === phase).map((r) => r.id);
  }
}

const kinds = (actions: Action[]): string[] => actions.map((a) => a.type);
const routedIds = (a: Action | undefined): readonly string[] => (a?.type === 'route' ? a.replicaIds : []);

describe('reconciler', () => {
  it('starts the desired replicas and routes them only once ready', () => {
    const w = new World();
    const first = w.tick();
    assert.deepEqual(kinds(first), ['start', 'start']);
    assert.deepEqual(w.ids(), ['api.1#1', 'api.2#2']);
    assert.deepEqual(w.tick(), [], 'nothing more to do while they start');

    w.event({ type: 'spawned', replicaId: 'api.1#1', pid: 1, port: 4001, at: w.now });
    assert.deepEqual(w.tick(), [], 'spawned but not ready: not routed');
    w.event({ type: 'probe', replicaId: 'api.1#1', check: 'readiness', ok: true, at: w.now });
    assert.deepEqual(w.tick(), [{ type: 'route', service: 'api', replicaIds: ['api.1#1'] }]);
  });

  it('takes a replica out of routing after `retries` readiness failures, and back in on success', () => {
    const w = new World(target({ replicas: 1 }));
    w.tick();
    w.bringUp();
    w.tick();
    for (let i = 0; i < 2; i++) w.event({ type: 'probe', replicaId: 'api.1#1', check: 'readiness', ok: false, at: w.now });
    assert.deepEqual(w.tick(), [], 'two failures are not enough');
    w.event({ type: 'probe', replicaId: 'api.1#1', check: 'readiness', ok: false, at: w.now });
    assert.deepEqual(w.tick(), [{ type: 'route', service: 'api', replicaIds: [] }]);
    w.event({ type: 'probe', replicaId: 'api.1#1', check: 'readiness', ok: true, at: w.now });
    assert.deepEqual(w.tick(), [{ type: 'route', service: 'api', replicaIds: ['api.1#1'] }]);
  });

  it('scales up and down by slot, stopping the highest slots after unrouting them', () => {
    const w = new World(target({ replicas: 1 }));
    w.tick();
    w.bringUp();
    w.tick();
    w.t = target({ replicas: 5 });
    assert.deepEqual(kinds(w.tick()), ['start', 'start', 'start', 'start']);
    w.bringUp();
    assert.equal(routedIds(w.tick()[0]).length, 5);
    w.t = target({ replicas: 1 });
    const down = w.tick();
    assert.deepEqual(kinds(down), ['route', 'stop', 'stop', 'stop', 'stop']);
    assert.deepEqual(routedIds(down[0]), ['api.1#1']);
    assert.ok(down.slice(1).every((a) => a.type === 'stop' && a.reason === 'scale-down' && a.replica.slot > 1));
    for (const id of w.ids('stopping')) w.exit(id, null, 'SIGTERM');
    assert.deepEqual(w.tick(), [], 'planned stops are not restarted');
    assert.deepEqual(w.ids(), ['api.1#1']);
  });

  it('restarts a crashed replica with exponential back-off, reset after a stable run', () => {
    const w = new World(target({ replicas: 1 }));
    w.tick();
    w.bringUp();
    w.tick();
    const delays: number[] = [];
    for (let crash = 0; crash < 5; crash++) {
      const id = w.ids()[0]!;
      w.now += 50; // crashes quickly: inside the window
      w.exit(id);
      const acts = w.tick();
      const wake = acts.find((a) => a.type === 'wake');
      assert.ok(wake?.type === 'wake', 'a wake-up is asked for the end of the back-off');
      delays.push(wake.at - w.now);
      assert.equal(acts.filter((a) => a.type === 'start').length, 0, 'nothing starts before the back-off');
      w.now = wake.at;
      assert.deepEqual(kinds(w.tick()), ['start']);
      w.bringUp();
      w.tick();
    }
    assert.deepEqual(delays, [100, 200, 400, 800, 1600]);
    assert.equal(serviceCondition(w.state, 1), 'crash-looping');

    // A run longer than the window resets the streak.
    w.now += 20_000;
    w.exit(w.ids()[0]!);
    const wake = w.tick().find((a) => a.type === 'wake');
    assert.equal(wake?.type === 'wake' ? wake.at - w.now : -1, 100);
    assert.equal(restartDelay(restart, 40), 10_000, 'capped');
  });

  it('gives up after max_attempts and says so', () => {
    const w = new World(target({ replicas: 1, restart: { ...restart, maxAttempts: 2, delayMs: 10 } }));
    w.tick();
    for (let i = 0; i < 3; i++) {
      w.bringUp();
      w.exit(w.ids()[0]!);
      w.now += 1_000;
      w.tick();
    }
    assert.deepEqual(w.ids(), [], 'no third restart');
    assert.equal(serviceCondition(w.state, 1), 'failed');
    assert.equal(w.state.slots[1]?.restarts, 2);
  });

  it('honours restart conditions: none never restarts, on-failure only on failure', () => {
    const none = new World(target({ replicas: 1, restart: { ...restart, condition: 'none' } }));
    none.tick();
    none.bringUp();
    none.exit(none.ids()[0]!, 1);
    none.now += 10_000;
    assert.deepEqual(none.tick(), []);

    const onFailure = new World(target({ replicas: 1, restart: { ...restart, condition: 'on-failure' } }));
    onFailure.tick();
    onFailure.bringUp();
    onFailure.exit(onFailure.ids()[0]!, 0);
    onFailure.now += 10_000;
    assert.deepEqual(onFailure.tick(), [], 'exit 0 completes the slot');
    assert.equal(serviceCondition(onFailure.state, 1), 'completed');
  });

  it('replaces a replica whose liveness fails, but not inside start_period', () => {
    const t = target({ replicas: 1, health: { ...health, timing: { ...health.timing, startPeriodMs: 5_000 } } });
    const w = new World(t);
    w.tick();
    w.bringUp();
    w.tick();
    const live = (ok: boolean): void => w.event({ type: 'probe', replicaId: 'api.1#1', check: 'liveness', ok, at: w.now });
    for (let i = 0; i < 5; i++) live(false);
    assert.deepEqual(w.tick(), [], 'failures during start_period do not count');
    w.now += 6_000;
    for (let i = 0; i < 3; i++) live(false);
    const acts = w.tick();
    assert.deepEqual(kinds(acts), ['route', 'stop', 'wake']);
    assert.ok(acts[1]?.type === 'stop' && acts[1].reason === 'liveness');
    w.now += 100;
    assert.deepEqual(kinds(w.tick()), ['start'], 'the replacement starts while the hung one is still stopping');
    // Without start_period: failures before the first success wait for the default startup time.
    const d = new World(target({ replicas: 1 }));
    d.tick();
    d.bringUp();
    d.tick();
    const dlive = (ok: boolean): void => d.event({ type: 'probe', replicaId: 'api.1#1', check: 'liveness', ok, at: d.now });
    for (let i = 0; i < 5; i++) dlive(false);
    assert.deepEqual(d.tick(), [], 'still booting');
    dlive(true);
    for (let i = 0; i < 3; i++) dlive(false);
    assert.deepEqual(kinds(d.tick()), ['route', 'stop', 'wake'], 'after one success, failures count at once (a hung process)');
    assert.deepEqual(w.ids('starting'), ['api.1#2']);
    assert.deepEqual(w.ids('stopping'), ['api.1#1']);
  });

  it('does not start anything while dependencies are not met', () => {
    const w = new World(target({ canStart: false }));
    assert.deepEqual(w.tick(), []);
  });

  it('rolls start-first one slot at a time: new ready, then old stopped', () => {
    const w = new World();
    w.tick();
    w.bringUp();
    w.tick();
    w.t = target({ version: 'v2' });
    const step1 = w.tick();
    assert.deepEqual(kinds(step1), ['start']);
    assert.ok(step1[0]?.type === 'start' && step1[0].replica.slot === 1 && step1[0].replica.version === 'v2');
    assert.deepEqual(w.tick(), [], 'parallelism 1: slot 2 waits');
    w.bringUp();
    const step2 = w.tick();
    assert.deepEqual(kinds(step2), ['route', 'stop', 'start']);
    assert.deepEqual(routedIds(step2[0]), ['api.1#3', 'api.2#2']);
    assert.ok(step2[1]?.type === 'stop' && step2[1].replica.id === 'api.1#1' && step2[1].reason === 'update');
    w.exit('api.1#1', 0);
    w.bringUp();
    const step3 = w.tick();
    assert.deepEqual(kinds(step3), ['route', 'stop']);
    w.exit('api.2#2', 0);
    assert.deepEqual(w.tick(), []);
    assert.ok(w.state.replicas.every((r) => r.version === 'v2' && r.phase === 'running'));
  });

  it('rolls stop-first with a delay between steps', () => {
    const w = new World(target({ update: { ...update, delayMs: 500, order: 'stop-first' } }));
    w.tick();
    w.bringUp();
    w.tick();
    w.t = { ...w.t, version: 'v2' };
    const s1 = w.tick();
    assert.deepEqual(kinds(s1), ['route', 'stop']);
    assert.deepEqual(w.tick(), [], 'the slot is refilled only after the old replica is gone');
    w.exit('api.1#1', 0);
    assert.deepEqual(kinds(w.tick()), ['start']);
    w.bringUp();
    const wait = w.tick();
    assert.deepEqual(kinds(wait), ['route', 'wake'], 'next step waits for the delay');
    w.now += 500;
    assert.deepEqual(kinds(w.tick()), ['route', 'stop']);
  });

  it('a crash of the old replica during a start-first update does not restart the old version', () => {
    const w = new World(target({ replicas: 1 }));
    w.tick();
    w.bringUp();
    w.tick();
    w.t = { ...w.t, version: 'v2' };
    w.tick();
    w.exit('api.1#1', 1);
    assert.deepEqual(w.tick(), [{ type: 'route', service: 'api', replicaIds: [] }]);
    assert.deepEqual(w.ids(), ['api.1#2']);
  });

  describe('rollout verdicts', () => {
    /** Two ready replicas of v1, then the target moves to v2 with these update settings. */
    function rolling(over: Partial<UpdatePolicy>, replicas = 2): World {
      const w = new World(target({ replicas, update: { ...update, ...over } }));
      w.tick();
      w.bringUp();
      w.tick();
      w.verdicts = [];
      w.t = { ...w.t, version: 'v2' };
      return w;
    }
    const verdicts = (w: World): string[] => w.verdicts.map((a) => (a.type === 'rollout' ? `${a.version}:${a.state}` : a.type));

    it('a first start completes as soon as every replica is ready: no old version to monitor against', () => {
      const w = new World(target({ update: { ...update, monitorMs: 5_000 } }));
      w.tick();
      w.bringUp();
      w.tick();
      assert.deepEqual(verdicts(w), ['v1:completed']);
    });

    it('completes once every slot runs the new version and the newest held for monitor', () => {
      const w = rolling({ monitorMs: 1_000, parallelism: 2 });
      w.tick();
      w.bringUp();
      w.tick(); // old ones stopped
      for (const id of w.ids('stopping')) w.exit(id, 0);
      const wait = w.tick();
      assert.deepEqual(kinds(wait), ['wake']);
      assert.equal(wait[0]?.type === 'wake' && wait[0].at, w.now + 1_000);
      assert.deepEqual(verdicts(w), []);
      w.now += 1_000;
      w.tick();
      assert.deepEqual(verdicts(w), ['v2:completed']);
      w.tick();
      assert.deepEqual(verdicts(w), ['v2:completed'], 'said once');
    });

    it('a new version that crashes fails the rollout (rollback) and starts no further step', () => {
      const w = rolling({});
      assert.deepEqual(kinds(w.tick()), ['start']);
      w.bringUp();
      w.exit(w.state.replicas.find((r) => r.version === 'v2')!.id, 1);
      w.tick();
      assert.deepEqual(verdicts(w), ['v2:failed']);
      assert.match(w.state.rollout?.reason ?? '', /api\.1 exited \(code 1\)/);
      assert.ok(!w.state.replicas.some((r) => r.slot === 2 && r.version === 'v2'), 'slot 2 was not touched');
      // The deployer puts the old version back: a new rollout toward v1.
      w.t = { ...w.t, version: 'v1' };
      w.now += 1_000;
      w.tick();
      assert.equal(w.state.rollout?.version, 'v1');
      assert.equal(w.state.rollout?.state, 'completed', 'every slot already runs v1');
    });

    it('a new version never ready within the deadline is stopped and fails the rollout', () => {
      const w = rolling({ readyTimeoutMs: 5_000 });
      w.tick();
      const fresh = w.state.replicas.find((r) => r.version === 'v2')!;
      w.event({ type: 'spawned', replicaId: fresh.id, pid: 9, port: 9, at: w.now });
      const waiting = w.tick();
      assert.deepEqual(waiting, [{ type: 'wake', at: w.now + 5_000 }]);
      w.now += 5_000;
      const acts = w.tick();
      assert.ok(acts.some((a) => a.type === 'stop' && a.reason === 'unready' && a.replica.id === fresh.id));
      assert.deepEqual(verdicts(w), ['v2:failed']);
      assert.equal(w.state.routed.includes(fresh.id), false, 'it never took traffic');
    });

    it('pause stops the rollout where it is; continue carries on', () => {
      const paused = rolling({ failureAction: 'pause' });
      paused.tick();
      paused.bringUp();
      paused.exit(paused.state.replicas.find((r) => r.version === 'v2')!.id, 1);
      paused.tick();
      assert.deepEqual(verdicts(paused), ['v2:paused']);

      const carryOn = rolling({ failureAction: 'continue' });
      carryOn.tick();
      carryOn.bringUp();
      carryOn.exit(carryOn.state.replicas.find((r) => r.version === 'v2')!.id, 1);
      for (let i = 0; i < 10 && carryOn.verdicts.length === 0; i++) {
        carryOn.now += 1_000;
        carryOn.tick();
        carryOn.bringUp();
        for (const id of carryOn.ids('stopping')) carryOn.exit(id, 0);
      }
      assert.deepEqual(verdicts(carryOn), ['v2:completed']);
      assert.equal(carryOn.state.rollout?.failures, 1);
    });

    it('max_failure_ratio tolerates that share of the replicas', () => {
      const w = rolling({ maxFailureRatio: 0.5, parallelism: 4 }, 4);
      w.tick();
      w.bringUp();
      const fresh = w.state.replicas.filter((r) => r.version === 'v2');
      w.exit(fresh[0]!.id, 1);
      w.exit(fresh[1]!.id, 1);
      w.tick();
      assert.deepEqual(verdicts(w), [], '2 of 4 is within 0.5');
      w.bringUp();
      w.exit(w.state.replicas.find((r) => r.version === 'v2' && r.phase === 'running')!.id, 1);
      w.tick();
      assert.deepEqual(verdicts(w), ['v2:failed']);
    });
  });
});
