// The local autoscaler: once a second it samples each autoscaled unit's load (its service
// addresses' proxies, and CPU from its replicas when a target asks for it), asks the pure
// decision (reconciler/autoscale.ts) how many replicas to run, and tells the supervisor. A
// request that waits at zero replicas wakes its unit at once, without waiting for the sample.
import type { AutoscaleSpec } from '../../stack/model.ts';
import { localAutoscale } from '../local-defaults.ts';
import type { ProxyLoad } from '../proxy/index.ts';
import { decide, emptyAutoscaleState, observe } from '../reconciler/autoscale.ts';
import type { AutoscalePolicy, AutoscaleState, LoadSample } from '../reconciler/autoscale.ts';
import type { Cancel, Clock } from './clock.ts';

/** An autoscaled unit as the supervisor knows it. */
export interface ScalableUnit {
  readonly unit: string;
  /** The services whose addresses carry its load (itself, or its group's members). */
  readonly members: readonly string[];
  readonly autoscale: AutoscaleSpec;
  /** The replicas the stack file gives it: the floor when `min` is unset. */
  readonly replicas: number;
  /** What it is set to run now. */
  readonly desired: number;
  /** Its replicas' process ids, for CPU. */
  readonly pids: readonly number[];
}

/** What the autoscaler needs of the supervisor. */
export interface ScalableUnits {
  autoscaled(): readonly ScalableUnit[];
  setAutoscaled(unit: string, replicas: number, reason: string): void;
}

export interface AutoscalerOptions {
  readonly units: ScalableUnits;
  /** The load of a service address's proxy (undefined: none yet). */
  readonly loadOf: (service: string) => ProxyLoad | undefined;
  /** CPU in use by these processes, in cores. */
  readonly cpuOf: (pids: readonly number[]) => Promise<number>;
  readonly clock: Clock;
  /** Between samples; 1 s, as Knative's autoscaler ticks, since a decision needs a few samples of its windows. */
  readonly intervalMs?: number;
}

interface Tracked {
  policy: AutoscalePolicy;
  state: AutoscaleState;
  last: { readonly at: number; readonly requests: number; readonly busyMs: number } | null;
}

export class Autoscaler {
  private readonly tracked = new Map<string, Tracked>();
  private timer: Cancel | null = null;
  private sampling = false;
  private readonly intervalMs: number;

  constructor(private readonly options: AutoscalerOptions) {
    this.intervalMs = options.intervalMs ?? 1000;
  }

  start(): void {
    if (this.timer !== null) return;
    const loop = (): void => {
      this.timer = this.options.clock.after(this.intervalMs, () => {
        void this.sampleAll().finally(loop);
      });
    };
    loop();
  }

  stop(): void {
    this.timer?.();
    this.timer = null;
  }

  /** A request waits at `service`'s address: if its unit runs no replica, start one now. */
  wake(service: string): void {
    const unit = this.options.units.autoscaled().find((u) => u.members.includes(service));
    if (unit === undefined || unit.desired > 0) return;
    const t = this.track(unit);
    const now = this.options.clock.now();
    t.state = observe(t.policy, t.state, { at: now, concurrency: 0, rps: 0, cpu: 0, waiting: 1 });
    this.apply(unit, t, now);
  }

  /** One round: every autoscaled unit sampled and decided. */
  async sampleAll(): Promise<void> {
    if (this.sampling) return;
    this.sampling = true;
    try {
      const units = this.options.units.autoscaled();
      for (const name of this.tracked.keys()) if (!units.some((u) => u.unit === name)) this.tracked.delete(name);
      for (const unit of units) {
        const t = this.track(unit);
        const sample = await this.sample(unit, t);
        if (sample === null) continue;
        t.state = observe(t.policy, t.state, sample);
        this.apply(unit, t, sample.at);
      }
    } finally {
      this.sampling = false;
    }
  }

  private track(unit: ScalableUnit): Tracked {
    const policy = localAutoscale(unit.autoscale, unit.replicas);
    let t = this.tracked.get(unit.unit);
    if (t === undefined) {
      t = { policy, state: emptyAutoscaleState(this.options.clock.now()), last: null };
      this.tracked.set(unit.unit, t);
    }
    t.policy = policy;
    return t;
  }

  private apply(unit: ScalableUnit, t: Tracked, now: number): void {
    const d = decide(t.policy, t.state, unit.desired, now);
    t.state = d.state;
    if (d.replicas !== unit.desired) this.options.units.setAutoscaled(unit.unit, d.replicas, d.reason);
  }

  /** The unit's load since the previous sample; null on the first (there is no interval yet). */
  private async sample(unit: ScalableUnit, t: Tracked): Promise<LoadSample | null> {
    const now = this.options.clock.now();
    let requests = 0;
    let busyMs = 0;
    let waiting = 0;
    for (const m of unit.members) {
      const l = this.options.loadOf(m);
      if (l === undefined) continue;
      requests += l.requests;
      busyMs += l.busyMs;
      waiting += l.waiting;
    }
    const last = t.last;
    t.last = { at: now, requests, busyMs };
    if (last === null || now <= last.at) return null;
    const seconds = (now - last.at) / 1000;
    const cpu = t.policy.targets.cpu !== undefined && unit.pids.length > 0 ? await this.options.cpuOf(unit.pids) : 0;
    return { at: now, concurrency: (busyMs - last.busyMs) / (now - last.at) + waiting, rps: (requests - last.requests) / seconds, cpu, waiting };
  }
}
