// The autoscaler's decision, driven by hand: the clock is a number, the load a list of samples.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decide, emptyAutoscaleState, observe } from './autoscale.ts';
import type { AutoscalePolicy, AutoscaleState, LoadSample } from './autoscale.ts';

const policy: AutoscalePolicy = {
  min: 1,
  max: 10,
  targets: { concurrency: 10 },
  tolerance: 0.1,
  stableWindowMs: 10_000,
  panicWindowMs: 2_000,
  panicThreshold: 2,
  maxScaleUpRate: 2,
  scaleDownStabilizationMs: 15_000,
  idleMs: 30_000,
};

/** A service under a load that the test sets, sampled and decided once a second. */
class Scaler {
  now = 0;
  state: AutoscaleState = emptyAutoscaleState(0);
  replicas: number;
  reasons: string[] = [];
  load: Omit<LoadSample, 'at'> = { concurrency: 0, rps: 0, cpu: 0, waiting: 0 };

  constructor(
    readonly p: AutoscalePolicy,
    replicas: number,
  ) {
    this.replicas = replicas;
  }

  /** Runs `seconds` sampling rounds; returns the replica count after each. */
  run(seconds: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < seconds; i++) {
      this.now += 1000;
      this.state = observe(this.p, this.state, { at: this.now, ...this.load });
      const d = decide(this.p, this.state, this.replicas, this.now);
      this.state = d.state;
      if (d.replicas !== this.replicas) this.reasons.push(d.reason);
      this.replicas = d.replicas;
      out.push(d.replicas);
    }
    return out;
  }
}

describe('autoscale decision', () => {
  it('scales up to load ÷ target over the stable window, at most doubling per step', () => {
    const s = new Scaler({ ...policy, panicThreshold: 100 }, 1);
    s.load = { ...s.load, concurrency: 35 };
    const counts = s.run(4);
    // 35 in flight for a target of 10: 4 replicas; 1 → 2 → 4 (×2 per step), then steady.
    assert.deepEqual(counts, [2, 4, 4, 4]);
    assert.match(s.reasons[0]!, /concurrency 35 for a target of 10 per replica.*at most ×2 per step/);
  });

  it('scales down only after the stabilization window has asked for less all along', () => {
    const s = new Scaler(policy, 4);
    s.load = { ...s.load, concurrency: 40 };
    s.run(12);
    assert.equal(s.replicas, 4);
    s.load = { ...s.load, concurrency: 10 };
    const counts = s.run(30);
    // The stable window averages the drop in; the 15 s window holds the count up meanwhile.
    const firstDown = counts.findIndex((n) => n < 4);
    assert.ok(firstDown >= 14, `held for the stabilization window, went down after ${firstDown + 1} s: ${counts.join(',')}`);
    assert.equal(s.replicas, 1);
    assert.match(s.reasons.at(-1)!, /concurrency 10 for a target of 10 per replica/);
  });

  it('does not flap inside the tolerance', () => {
    const s = new Scaler(policy, 10);
    // 105 for a target of 10 asks for 11 replicas: 10 % above 10 is within the tolerance.
    s.load = { ...s.load, concurrency: 100.5 };
    assert.deepEqual(new Set(s.run(20)), new Set([10]));
    s.load = { ...s.load, concurrency: 95 };
    assert.deepEqual(new Set(s.run(20)), new Set([10]));
  });

  it('panics on a burst: the short window decides, and no scale-down until the stable window passes', () => {
    const s = new Scaler({ ...policy, maxScaleUpRate: 10 }, 2);
    s.load = { ...s.load, concurrency: 15 };
    s.run(12);
    assert.equal(s.replicas, 2);
    s.load = { ...s.load, concurrency: 80 };
    const counts = s.run(2);
    // Two seconds of 80 in flight: the panic window asks for 8 = 4 × 2, the stable one much less.
    assert.equal(counts.at(-1), 8, counts.join(','));
    assert.ok(s.reasons.some((r) => /^panic: concurrency/.test(r)), s.reasons.join('\n'));
    s.load = { ...s.load, concurrency: 5 };
    const after = s.run(9);
    assert.deepEqual(new Set(after), new Set([8]), 'no scale-down during panic');
  });

  it('stays within min and max', () => {
    const s = new Scaler({ ...policy, min: 2, max: 3 }, 2);
    s.load = { ...s.load, concurrency: 500 };
    s.run(10);
    assert.equal(s.replicas, 3);
    s.load = { ...s.load, concurrency: 0 };
    s.run(60);
    assert.equal(s.replicas, 2);
  });

  it('goes to zero after the idle window with min 0, and wakes on the first waiting request', () => {
    const s = new Scaler({ ...policy, min: 0 }, 1);
    s.load = { ...s.load, concurrency: 3, rps: 2 };
    s.run(5);
    assert.equal(s.replicas, 1);
    s.load = { concurrency: 0, rps: 0, cpu: 0, waiting: 0 };
    const idle = s.run(31);
    assert.equal(idle.indexOf(0), 29, `zero after 30 s of nothing: ${idle.join(',')}`);
    assert.match(s.reasons.at(-1)!, /no request for 30 s: scaled to zero/);
    s.run(10);
    assert.equal(s.replicas, 0);
    s.load = { ...s.load, waiting: 1 };
    assert.deepEqual(s.run(1), [1]);
    assert.match(s.reasons.at(-1)!, /a request arrived while at zero/);
  });

  it('a unit that starts at zero stays there until a request comes', () => {
    const s = new Scaler({ ...policy, min: 0 }, 0);
    assert.deepEqual(new Set(s.run(60)), new Set([0]));
  });

  it('a replica is kept while requests come, even with min 0 and little load', () => {
    const s = new Scaler({ ...policy, min: 0 }, 1);
    s.load = { ...s.load, concurrency: 0.2, rps: 1 };
    assert.deepEqual(new Set(s.run(60)), new Set([1]));
  });

  it('takes the metric that asks for most: rps and cpu beside concurrency', () => {
    const s = new Scaler({ ...policy, targets: { concurrency: 10, rps: 100, cpu: 50 }, panicThreshold: 100, maxScaleUpRate: 100 }, 1);
    s.load = { concurrency: 5, rps: 250, cpu: 0.4, waiting: 0 };
    s.run(3);
    assert.equal(s.replicas, 3);
    assert.match(s.reasons.at(-1)!, /rps 250\/s for a target of 100\/s per replica/);
    s.load = { concurrency: 5, rps: 50, cpu: 2.4, waiting: 0 };
    s.run(11);
    assert.equal(s.replicas, 5);
    assert.match(s.reasons.at(-1)!, /cpu \d+% for a target of 50% per replica/);
  });

  it('with no samples yet, keeps what runs', () => {
    const d = decide(policy, emptyAutoscaleState(0), 3, 1000);
    assert.deepEqual([d.replicas, d.reason], [3, 'no load measured yet']);
  });
});
