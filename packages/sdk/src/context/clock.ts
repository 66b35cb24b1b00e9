// The SDK's clock for deadlines: epoch milliseconds, read from the monotonic clock. One
// reading then serves both a call's deadline and its duration (each reading costs about 40 ns,
// a fifth of an in-process call), and a wall-clock step (NTP, a suspended laptop) neither
// expires nor extends a deadline. It starts at the wall-clock time the process started, so it
// stays within the wall clock's drift since then of Date.now().
import { performance } from 'node:perf_hooks';

const origin = performance.timeOrigin;

/** The clock's time at a `performance.now()` reading: whole epoch milliseconds, as Date.now() gives. */
export function clockAt(perfNow: number): number {
  return Math.floor(origin + perfNow);
}

/** Now, in whole epoch milliseconds, on the monotonic clock. */
export function clockNow(): number {
  return clockAt(performance.now());
}
