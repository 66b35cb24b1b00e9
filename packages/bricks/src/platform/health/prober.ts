// Runs a replica's readiness and liveness probes on their schedule and reports each result.
// Before the first successful readiness probe it probes every start_interval so a new
// replica takes traffic soon after it can; afterwards every interval. A replica that says it is
// ready (its ready notice) is probed at once.
import type { Probe } from '../../stack/model.ts';
import type { HealthPolicy } from '../reconciler/index.ts';
import { runProbe } from './probe.ts';
import type { ProbeResult, ProbeTarget } from './probe.ts';
import type { HealthWatch, HealthWatcher, ProbeReport } from './port.ts';

export type ProbeRunner = (probe: Probe, target: ProbeTarget, timeoutMs: number) => Promise<ProbeResult>;

export class Prober implements HealthWatch {
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private ready = false;
  private probing = false;
  /** A probeNow() arrived during a round: another round follows it at once. */
  private again = false;

  constructor(
    private readonly health: HealthPolicy,
    private readonly target: ProbeTarget,
    private readonly report: ProbeReport,
    private readonly run: ProbeRunner = runProbe,
  ) {}

  start(): void {
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /**
   * Probes at once instead of at the next tick, until the first success (afterwards the
   * schedule is the interval, and a notice has nothing to hurry).
   */
  probeNow(): void {
    if (this.stopped || this.ready) return;
    if (this.probing) {
      this.again = true;
      return;
    }
    if (this.timer !== null) clearTimeout(this.timer);
    this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.round(), delayMs);
  }

  private async round(): Promise<void> {
    const { readiness, liveness, timing } = this.health;
    this.probing = true;
    // One request answers both when they ask the same thing.
    const same = sameProbe(readiness, liveness);
    const [r, l] = await Promise.all([
      this.run(readiness, this.target, timing.timeoutMs),
      same ? null : this.run(liveness, this.target, timing.timeoutMs),
    ]);
    this.probing = false;
    if (this.stopped) return;
    this.report('readiness', r);
    this.report('liveness', l ?? r);
    if (r.ok) this.ready = true;
    const again = this.again && !this.ready;
    this.again = false;
    this.schedule(again ? 0 : this.ready ? timing.intervalMs : timing.startIntervalMs);
  }
}

export function sameProbe(a: Probe, b: Probe): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The health port over real probes: one Prober per replica, started at once. */
export const probers: HealthWatcher = {
  watch({ health, target }, report) {
    const prober = new Prober(health, target, report);
    prober.start();
    return prober;
  },
};
