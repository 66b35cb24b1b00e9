// What both sides of the rolling-update benchmark share: the readiness check and the shape of
// one round's result.
import { healthTest } from '../../packages/bricks/src/targets/swarm/healthcheck.ts';

export interface RoundResult {
  /** From the update command until the engine reports the update complete. */
  readonly durationMs: number;
  readonly ok: number;
  readonly failed: number;
  /** The first few failures, for the report. */
  readonly errors: readonly string[];
  /** The engine called the update completed (not paused, failed or rolled back). */
  readonly completed: boolean;
}

/**
 * The readiness check bricks' Swarm target renders for `health: { ready: /readyz }`, as the
 * shell command `docker service create --health-cmd` takes: the same check on both sides.
 */
export function healthTestFor(port: number): string {
  const test = healthTest({ kind: 'http', path: '/readyz' }, port, true);
  if (test === null || test[0] !== 'CMD') throw new Error('unreachable: an http check in a node image is a CMD');
  return test.slice(1).map((a) => (/^[\w./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}
