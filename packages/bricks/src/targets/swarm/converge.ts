// Pure decisions about a Swarm deploy in progress: is every service where it should be, has
// one failed for good, and what to say about the ones that are not there yet.
import type { ServiceState, Task } from './observe.ts';

export interface Expected {
  /** The image the service must run. */
  readonly image: string;
  /**
   * Set when the deploy changed the service's task template, so Swarm rolls its tasks: the
   * update that was current before the deploy (null if none). Convergence then needs a newer,
   * completed one; until then old tasks still count as running.
   */
  readonly replacedAfter?: string | null;
}

export type Convergence =
  | { readonly kind: 'converged' }
  | { readonly kind: 'waiting'; readonly pending: readonly string[] }
  /** Swarm gave up on an update (paused, or rolled it back): waiting longer will not help. */
  | { readonly kind: 'failed'; readonly service: string; readonly reason: string };

export function serviceConverged(s: ServiceState, want: Expected): boolean {
  if (s.image !== want.image) return false;
  if (want.replacedAfter !== undefined) {
    if (s.updateState !== 'completed' || s.updateStartedAt === want.replacedAfter) return false;
  } else if (s.updateState === 'updating' || s.updateState === 'rollback_started') {
    return false;
  }
  return s.desired === null ? s.running > 0 : s.running === s.desired;
}

export function convergence(services: ReadonlyMap<string, ServiceState>, expected: Readonly<Record<string, Expected>>): Convergence {
  const pending: string[] = [];
  for (const [name, want] of Object.entries(expected)) {
    const s = services.get(name);
    if (!s) {
      pending.push(name);
      continue;
    }
    if (s.updateState === 'paused' || s.updateState === 'rollback_completed' || s.updateState === 'rollback_paused') {
      return { kind: 'failed', service: name, reason: `update ${s.updateState}${s.updateMessage ? `: ${s.updateMessage}` : ''}` };
    }
    if (!serviceConverged(s, want)) pending.push(name);
  }
  return pending.length === 0 ? { kind: 'converged' } : { kind: 'waiting', pending };
}

/** The tasks' own errors for the given services, most recent first, one line each, deduplicated. */
export function taskErrors(tasks: readonly Task[], services: readonly string[], limit = 5): string[] {
  const lines: string[] = [];
  for (const service of services) {
    const seen = new Set<string>();
    for (const t of tasks) {
      if (t.service !== service) continue;
      const why = t.error.trim() || (/^(Failed|Rejected)/.test(t.currentState) ? t.currentState : '');
      if (!why || seen.has(why)) continue;
      seen.add(why);
      if (seen.size <= limit) lines.push(`${service}: ${t.name}: ${why}`);
    }
    if (seen.size === 0) {
      const states = [...new Set(tasks.filter((t) => t.service === service).map((t) => t.currentState.split(' ')[0] ?? ''))];
      lines.push(`${service}: no task error reported (task states: ${states.join(', ') || 'none'})`);
    }
  }
  return lines;
}
