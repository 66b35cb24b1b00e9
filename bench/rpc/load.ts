// Closed-loop load: `inflight` callers each issue the next call when the last one returns;
// a warm-up, then a measured window with per-call latencies for percentiles.
export interface LoadResult {
  calls: number;
  errors: number;
  seconds: number;
  callsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  firstError?: string;
}

export async function runLoad(call: () => Promise<void>, opts: { inflight: number; warmupMs: number; durationMs: number }): Promise<LoadResult> {
  const warmEnd = performance.now() + opts.warmupMs;
  const end = warmEnd + opts.durationMs;
  let latencies = new Float64Array(1 << 16);
  let calls = 0;
  let errors = 0;
  let firstError: string | undefined;
  const worker = async (): Promise<void> => {
    for (;;) {
      const t0 = performance.now();
      if (t0 >= end) return;
      try {
        await call();
      } catch (err) {
        if (t0 >= warmEnd) errors++;
        firstError ??= err instanceof Error ? err.message : String(err);
        continue;
      }
      if (t0 < warmEnd) continue;
      if (calls === latencies.length) {
        const bigger = new Float64Array(latencies.length * 2);
        bigger.set(latencies);
        latencies = bigger;
      }
      latencies[calls++] = performance.now() - t0;
    }
  };
  await Promise.all(Array.from({ length: opts.inflight }, worker));
  const sorted = latencies.subarray(0, calls).sort();
  const at = (q: number) => (calls === 0 ? NaN : sorted[Math.min(calls - 1, Math.floor(q * calls))]!);
  const seconds = opts.durationMs / 1000;
  return { calls, errors, seconds, callsPerSec: calls / seconds, p50Ms: at(0.5), p99Ms: at(0.99), ...(firstError === undefined ? {} : { firstError }) };
}

/**
 * The same closed loop, counting calls only: for in-process callers, where reading the clock
 * twice per call (for percentiles) would cost as much as the call being measured.
 */
export async function countLoad(call: () => Promise<void>, opts: { inflight: number; warmupMs: number; durationMs: number }): Promise<LoadResult> {
  const warmEnd = performance.now() + opts.warmupMs;
  const end = warmEnd + opts.durationMs;
  let calls = 0;
  let errors = 0;
  let measuring = false;
  let stop = false;
  let firstError: string | undefined;
  // The clock is read once per 1024 calls (all workers together); the window is measured, not assumed.
  let started = 0;
  let finished = 0;
  let sinceCheck = 0;
  const check = (): void => {
    const t = performance.now();
    if (!measuring && t >= warmEnd) {
      measuring = true;
      started = t;
      calls = 0;
      errors = 0;
    } else if (t >= end) {
      stop = true;
      finished = t;
    }
  };
  const worker = async (): Promise<void> => {
    while (!stop) {
      try {
        await call();
        calls++;
      } catch (err) {
        errors++;
        firstError ??= err instanceof Error ? err.message : String(err);
      }
      if (++sinceCheck === 1024) {
        sinceCheck = 0;
        check();
      }
    }
  };
  await Promise.all(Array.from({ length: opts.inflight }, worker));
  const seconds = (finished - started) / 1000;
  return { calls, errors, seconds, callsPerSec: calls / seconds, p50Ms: NaN, p99Ms: NaN, ...(firstError === undefined ? {} : { firstError }) };
}
