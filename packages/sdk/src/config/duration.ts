// Durations as people write them in stack files ("250ms", "2s", "1m", "1.5h") or plain milliseconds.
import { z } from 'zod';

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds for "250ms" / "2s" / "1m" / "1h" / a bare number of ms; undefined if it is not one. */
export function parseDuration(input: string | number): number | undefined {
  if (typeof input === 'number') return Number.isFinite(input) && input >= 0 ? input : undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(input);
  if (!m) return undefined;
  const unit = units[m[2] ?? 'ms'];
  return unit === undefined ? undefined : Math.round(Number(m[1]) * unit);
}

/** A zod schema for a duration, parsed to milliseconds. */
export const duration = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const ms = parseDuration(v);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `expected a duration like "250ms", "2s" or "1m", got ${JSON.stringify(v)}` });
    return z.NEVER;
  }
  return ms;
});
