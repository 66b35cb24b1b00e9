// Deadlines: absolute epoch-ms instants, turned into AbortSignals that fire at that instant
// and also follow a parent signal (the caller's cancellation or the handler's own deadline).
import { BricksError } from '../errors/index.ts';
import { clockNow } from './clock.ts';

/**
 * The signal of a call: aborts with a deadline_exceeded BricksError at `deadline`, or with
 * the parent's reason when a parent aborts first. `dispose` clears the timer; call it when
 * the call settles so that a finished call holds no timer.
 */
export function deadlineSignal(
  deadline: number,
  parents: readonly (AbortSignal | undefined)[],
  now: number = clockNow(),
): { signal: AbortSignal; dispose: () => void } {
  const ac = new AbortController();
  const onParent = (ev: Event): void => ac.abort((ev.target as AbortSignal).reason);
  const live: AbortSignal[] = [];
  for (const p of parents) {
    if (p === undefined) continue;
    if (p.aborted) {
      ac.abort(p.reason);
      return { signal: ac.signal, dispose: () => undefined };
    }
    p.addEventListener('abort', onParent, { once: true });
    live.push(p);
  }
  const budget = deadline - now;
  const timer =
    budget <= 0
      ? undefined
      : setTimeout(() => ac.abort(new BricksError('deadline_exceeded', `deadline exceeded after ${budget}ms`)), budget);
  if (budget <= 0) ac.abort(new BricksError('deadline_exceeded', 'deadline already passed'));
  timer?.unref?.();
  const dispose = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    for (const p of live) p.removeEventListener('abort', onParent);
  };
  return { signal: ac.signal, dispose };
}

/**
 * The error a call ends with when its signal aborted. Transports abort with reasons of their
 * own (a ConnectError or FastError with deadline_exceeded when their timer fires first, a
 * TimeoutError), so the reason's code is kept; a bare abort is `cancelled`.
 */
export function abortError(signal: AbortSignal): BricksError {
  const r: unknown = signal.reason;
  if (r instanceof BricksError) return r;
  const e = BricksError.from(r, 'cancelled');
  return e.code === 'unknown' || e.code === 'internal' ? new BricksError('cancelled', 'call cancelled', { cause: r }) : e;
}
