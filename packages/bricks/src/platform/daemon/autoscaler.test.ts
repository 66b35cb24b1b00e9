// The daemon's autoscaler over fakes: units that remember what they were set to, proxy loads
// the test moves, and a clock moved by hand.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProxyLoad } from '../proxy/index.ts';
import { Autoscaler } from './autoscaler.ts';
import type { ScalableUnit, ScalableUnits } from './autoscaler.ts';
import { FakeClock } from './testing/fake-clock.ts';

class Units implements ScalableUnits {
  readonly set: { unit: string; replicas: number; reason: string }[] = [];
  constructor(public unit: ScalableUnit) {}
  autoscaled(): ScalableUnit[] {
    return [this.unit];
  }
  setAutoscaled(unit: string, replicas: number, reason: string): void {
    this.set.push({ unit, replicas, reason });
    this.unit = { ...this.unit, desired: replicas };
  }
}

/** A proxy's counters under a steady load: `inFlight` requests at all times, `rps` arriving. */
class Load {
  requests = 0;
  busyMs = 0;
  waiting = 0;
  constructor(private readonly clock: FakeClock) {}
  private at = 0;
  inFlight = 0;
  rps = 0;
  read(): ProxyLoad {
    const now = this.clock.now();
    if (this.at !== 0) {
      this.busyMs += this.inFlight * (now - this.at);
      this.requests += (this.rps * (now - this.at)) / 1000;
    }
    this.at = now;
    return { requests: this.requests, inFlight: this.inFlight, busyMs: this.busyMs, waiting: this.waiting };
  }
}

function world(unit: Partial<ScalableUnit> = {}) {
  const clock = new FakeClock();
  const units = new Units({ unit: 'api', members: ['api'], autoscale: { min: 1, max: 8, concurrency: 10 }, replicas: 1, desired: 1, pids: [], ...unit });
  const load = new Load(clock);
  const scaler = new Autoscaler({ units, loadOf: (s) => (s === 'api' ? load.read() : undefined), cpuOf: async () => 0, clock });
  return { clock, units, load, scaler };
}

describe('the daemon autoscaler', () => {
  it('a load step grows the unit within seconds, and its end shrinks it after the delay', async () => {
    const { clock, units, load, scaler } = world();
    scaler.start();
    await clock.advance(3_000);
    assert.equal(units.set.length, 0, 'no load, no change');
    load.inFlight = 40;
    await clock.advance(3_000);
    // Panic mode reads the short window: 40 in flight for a target of 10 wants 4.
    assert.equal(units.unit.desired, 4, JSON.stringify(units.set));
    assert.match(units.set[0]!.reason, /panic: concurrency/);
    load.inFlight = 0;
    await clock.advance(10_000);
    assert.equal(units.unit.desired, 4, 'held by the scale-down delay');
    await clock.advance(20_000);
    assert.equal(units.unit.desired, 1);
    scaler.stop();
    assert.deepEqual(clock.pending(), [], 'no timer left');
  });

  it('a request waiting at zero wakes the unit at once, before the next sample', async () => {
    const { units, load, scaler } = world({ autoscale: { min: 0, max: 2 }, desired: 0 });
    load.waiting = 1;
    scaler.wake('api');
    assert.deepEqual(units.set.map((s) => [s.replicas, s.reason]), [[1, 'a request arrived while at zero: waking']]);
    scaler.wake('api');
    assert.equal(units.set.length, 1, 'a unit already waking is not woken twice');
    scaler.wake('other');
    assert.equal(units.set.length, 1);
  });

  it('goes to zero after the idle window', async () => {
    const { clock, units, scaler } = world({ autoscale: { min: 0, max: 2, idleMs: 5_000 } });
    scaler.start();
    await clock.advance(7_000);
    assert.deepEqual(units.set.map((s) => s.replicas), [0]);
    assert.match(units.set[0]!.reason, /scaled to zero/);
    scaler.stop();
  });
});
