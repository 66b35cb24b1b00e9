// Restart back-off: exponential from the policy's delay, capped, reset by a stable run.
import type { RestartPolicy } from './types.ts';

/** Delay before restart number `failures` (1-based) of a slot. */
export function restartDelay(policy: RestartPolicy, failures: number): number {
  if (failures <= 1) return policy.delayMs;
  // 2^(n-1) growth like Kubernetes' CrashLoopBackOff, capped so a healed dependency is noticed soon.
  const exp = Math.min(failures - 1, 30);
  return Math.min(policy.delayMs * 2 ** exp, policy.maxDelayMs);
}
