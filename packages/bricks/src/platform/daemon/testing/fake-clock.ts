// A clock that a test moves by hand: nothing fires until the test lets it. `settle` runs what
// is due now (queued ticks, due timers, and the promise work they set off) until nothing more
// is; `advance` moves time, firing each timer at its own time.
import type { Cancel, Clock } from '../clock.ts';

interface Timer {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
}

/** Rounds of work `settle` allows before it calls the supervisor busy-looping. */
const MAX_ROUNDS = 1_000;

/** Lets every promise callback already queued run (and those they queue in turn). */
const promisesRun = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class FakeClock implements Clock {
  private time: number;
  private seq = 0;
  private timers: Timer[] = [];
  private queued: (() => void)[] = [];

  constructor(start = 1_000_000) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  after(ms: number, fn: () => void): Cancel {
    const timer: Timer = { at: this.time + Math.max(0, ms), seq: this.seq++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  soon(fn: () => void): void {
    this.queued.push(fn);
  }

  /** When the timers set now will fire, soonest first. */
  pending(): number[] {
    return this.timers.map((t) => t.at).sort((a, b) => a - b);
  }

  async settle(): Promise<void> {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      await promisesRun();
      const due = this.timers.filter((t) => t.at <= this.time).sort((a, b) => a.at - b.at || a.seq - b.seq);
      const queued = this.queued.splice(0);
      if (due.length === 0 && queued.length === 0) return;
      this.timers = this.timers.filter((t) => !due.includes(t));
      for (const fn of queued) fn();
      for (const t of due) t.fn();
    }
    throw new Error(`still busy after ${MAX_ROUNDS} rounds`);
  }

  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    await this.settle();
    for (;;) {
      const next = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (next === undefined) break;
      this.time = next.at;
      await this.settle();
    }
    this.time = end;
    await this.settle();
  }
}
