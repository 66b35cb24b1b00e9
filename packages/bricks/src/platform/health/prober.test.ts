// The prober's schedule around a ready notice: probeNow() runs a round at once, never two
// rounds side by side, and does nothing once the replica was ready. The intervals are an hour,
// so every round after the first is one that probeNow() caused.
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { describe, it } from 'node:test';
import type { HealthPolicy } from '../reconciler/index.ts';
import { Prober } from './prober.ts';
import type { ProbeResult } from './probe.ts';

const HOUR = 3_600_000;
const health: HealthPolicy = {
  readiness: { kind: 'http', path: '/readyz' },
  liveness: { kind: 'http', path: '/readyz' },
  timing: { intervalMs: HOUR, timeoutMs: 1000, retries: 3, startPeriodMs: 0, startIntervalMs: HOUR },
};
const target = { host: '127.0.0.1', port: 1, env: {}, cwd: tmpdir() };

/** A probe runner whose rounds the test answers one by one. */
function scripted(): { runs: number; answer(result: ProbeResult): void; started(n: number): Promise<void>; run: () => Promise<ProbeResult> } {
  const pending: ((r: ProbeResult) => void)[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const s = {
    runs: 0,
    answer(result: ProbeResult): void {
      const next = pending.shift();
      assert.ok(next, 'a round is waiting for its answer');
      next(result);
    },
    started(n: number): Promise<void> {
      return s.runs >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }));
    },
    run: (): Promise<ProbeResult> => {
      s.runs++;
      for (const w of waiters.filter((x) => x.n <= s.runs)) w.resolve();
      return new Promise((resolve) => pending.push(resolve));
    },
  };
  return s;
}

const no: ProbeResult = { ok: false, detail: 'GET /readyz answered 503' };
const yes: ProbeResult = { ok: true, detail: 'ok' };
/**
 * Lets every round already due run: the prober schedules rounds with setTimeout, and a timer
 * set later for longer fires after them (a setImmediate could come first and prove nothing).
 */
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 5));

describe('prober', () => {
  it('probes at once on probeNow(), one round at a time, and not after the first success', { timeout: 5000 }, async (t) => {
    const runner = scripted();
    const reports: boolean[] = [];
    const prober = new Prober(health, target, (check, r) => check === 'readiness' && reports.push(r.ok), runner.run);
    t.after(() => prober.stop());

    prober.start();
    await runner.started(1);
    runner.answer(no);
    await settle();
    assert.equal(runner.runs, 1, 'the next scheduled round is an hour away');

    prober.probeNow();
    await runner.started(2);
    // A notice during a round: one more round right after it, not a second one beside it.
    prober.probeNow();
    prober.probeNow();
    await settle();
    assert.equal(runner.runs, 2);
    runner.answer(no);
    await runner.started(3);
    runner.answer(yes);
    await settle();
    assert.deepEqual(reports, [false, false, true]);

    prober.probeNow();
    await settle();
    assert.equal(runner.runs, 3, 'ready: a notice hurries nothing');
  });

  it('does nothing once stopped', { timeout: 5000 }, async () => {
    const runner = scripted();
    const prober = new Prober(health, target, () => undefined, runner.run);
    prober.start();
    await runner.started(1);
    prober.stop();
    runner.answer(no);
    prober.probeNow();
    await settle();
    assert.equal(runner.runs, 1);
  });
});
