// The Swarm autoscaler's loop (Swarm has none: moby/swarmkit#2354). Every interval it reads each
// autoscaled service's running tasks' /metrics, turns the counters' growth into the load sample
// the local platform's decision takes (platform/reconciler/autoscale.ts: the same pure code),
// and sets the service's replicas through the Engine API when the decision differs.
import { decide, emptyAutoscaleState, observe } from '../../../platform/reconciler/autoscale.ts';
import type { AutoscaleState, LoadSample } from '../../../platform/reconciler/autoscale.ts';
import { readCounters } from './exposition.ts';
import type { ReplicaCounters } from './exposition.ts';
import type { ScaledService, SwarmApi } from './swarm-api.ts';

/** Reads one replica's /metrics text; rejects on failure or timeout. */
export type Scrape = (url: string) => Promise<string>;

export interface ScaleEvent {
  readonly service: string;
  readonly from: number;
  readonly to: number;
  readonly reason: string;
}

export interface SwarmAutoscalerOptions {
  readonly stack: string;
  readonly api: SwarmApi;
  readonly scrape: Scrape;
  readonly now: () => number;
  readonly onScale?: (e: ScaleEvent) => void;
  readonly onError?: (err: unknown) => void;
}

interface Tracked {
  state: AutoscaleState;
  /** The last counters of each task, with when they were read. */
  tasks: Map<string, { readonly at: number; readonly counters: ReplicaCounters }>;
}

export class SwarmAutoscaler {
  private readonly tracked = new Map<string, Tracked>();

  constructor(private readonly options: SwarmAutoscalerOptions) {}

  /** One round over every autoscaled service of the stack. */
  async tick(): Promise<void> {
    const services = await this.options.api.autoscaledServices(this.options.stack);
    for (const id of this.tracked.keys()) if (!services.some((s) => s.id === id)) this.tracked.delete(id);
    for (const s of services) {
      try {
        await this.tickOne(s);
      } catch (err) {
        this.options.onError?.(err);
      }
    }
  }

  private async tickOne(s: ScaledService): Promise<void> {
    let t = this.tracked.get(s.id);
    if (t === undefined) {
      t = { state: emptyAutoscaleState(this.options.now()), tasks: new Map() };
      this.tracked.set(s.id, t);
    }
    const sample = await this.sample(s, t);
    const now = this.options.now();
    if (sample !== null) t.state = observe(s.policy, t.state, sample);
    const d = decide(s.policy, t.state, s.replicas, now);
    t.state = d.state;
    if (d.replicas === s.replicas) return;
    await this.options.api.scale(s.id, d.replicas);
    this.options.onScale?.({ service: s.service, from: s.replicas, to: d.replicas, reason: d.reason });
  }

  /**
   * The service's load since the last round: per task, the growth of its counters over its own
   * interval (a task seen for the first time has none yet; a counter that fell means the process
   * restarted, so all of it is new), added up over the tasks. Null until some task has an interval.
   */
  private async sample(s: ScaledService, t: Tracked): Promise<LoadSample | null> {
    const tasks = await this.options.api.runningTasks(s.id, s.network);
    const read = await Promise.all(tasks.map(async (task) => {
      try {
        return { task: task.task, counters: readCounters(await this.options.scrape(`http://${task.address}:${s.metricsPort}${s.metricsPath}`)) };
      } catch {
        return null; // Not answering this round (starting, stopping): it counts next time.
      }
    }));
    const now = this.options.now();
    let concurrency = 0;
    let rps = 0;
    let cpu = 0;
    let measured = false;
    const seen = new Map<string, { at: number; counters: ReplicaCounters }>();
    for (const r of read) {
      if (r === null) continue;
      seen.set(r.task, { at: now, counters: r.counters });
      const last = t.tasks.get(r.task);
      if (last === undefined || now <= last.at) continue;
      const seconds = (now - last.at) / 1000;
      const grown = (k: keyof ReplicaCounters): number => {
        const d = r.counters[k] - last.counters[k];
        return d >= 0 ? d : r.counters[k];
      };
      concurrency += grown('busySeconds') / seconds; // Little's law: busy seconds per second = mean in flight
      rps += grown('calls') / seconds;
      cpu += grown('cpuSeconds') / seconds;
      measured = true;
    }
    t.tasks = seen;
    return measured ? { at: now, concurrency, rps, cpu, waiting: 0 } : null;
  }
}
