// The supervisor's sense of time: what time it is, and timers. Injected so that its tests
// drive time without sleeping (testing/fake-clock.ts); the system clock is the default.
export type Cancel = () => void;

export interface Clock {
  now(): number;
  /** Calls `fn` once `ms` have passed; the returned function cancels that. */
  after(ms: number, fn: () => void): Cancel;
  /** Calls `fn` once the work under way has run (setImmediate): a tick then sees every mark made meanwhile. */
  soon(fn: () => void): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  after(ms, fn) {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
  soon(fn) {
    setImmediate(fn);
  },
};

/** True if `work` is done within `ms`; false once they have passed, or if it fails. */
export function within(clock: Clock, work: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const cancel = clock.after(ms, () => resolve(false));
    const settle = (done: boolean) => (): void => {
      cancel();
      resolve(done);
    };
    work.then(settle(true), settle(false));
  });
}
