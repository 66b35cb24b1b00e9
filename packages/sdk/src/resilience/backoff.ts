// Exponential back-off with full jitter (AWS Architecture Blog, "Exponential Backoff And
// Jitter"): the n-th retry waits a uniform random time in [0, min(max, base·2^n)).
export function backoffDelay(retry: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const cap = Math.min(maxMs, baseMs * 2 ** retry);
  return Math.floor(random() * cap);
}
