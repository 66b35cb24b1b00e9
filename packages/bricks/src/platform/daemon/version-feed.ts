// A version number that long-polls can wait on: the discovery document's, bumped whenever
// routing changes, so SDK clients hear of a new or gone replica at once.
import type { Clock } from './clock.ts';
import { systemClock } from './clock.ts';

export class VersionFeed {
  private current = 1;
  private readonly waiters = new Set<() => void>();

  constructor(private readonly clock: Pick<Clock, 'after'> = systemClock) {}

  get version(): number {
    return this.current;
  }

  bump(): void {
    this.current++;
    for (const w of [...this.waiters]) w();
  }

  /** Resolves when the version differs from `seen`, or after `timeoutMs`. */
  changedFrom(seen: number, timeoutMs: number): Promise<void> {
    if (seen !== this.current) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        cancel();
        this.waiters.delete(done);
        resolve();
      };
      const cancel = this.clock.after(timeoutMs, done);
      this.waiters.add(done);
    });
  }
}
