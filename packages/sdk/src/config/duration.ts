// The one duration grammar of bricks: stack files (Compose keys and every x-bricks key), the
// replica environment and the SDK's config read durations with this module. It imports
// nothing, so the platform uses it without loading the SDK (`@bricks/sdk/duration`).
//
// The rule is Compose's, which is Go's `time.ParseDuration`: a sequence of numbers, each with
// a unit (ns, us, µs, ms, s, m, h): `500ms`, `10s`, `1m30s`, `1.5h`. A bare number is refused,
// except 0, as Docker Compose does: `timeout: 500` could mean seconds or milliseconds, so the
// file must say which. Negative durations are refused: every duration bricks reads is a wait
// or a limit.

const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  'µs': 1e-3, // U+00B5 micro sign, which Go accepts
  'μs': 1e-3, // U+03BC Greek mu, which Go accepts too
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const PART = /^(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/;

export type ParsedDuration = { readonly ok: true; readonly ms: number } | { readonly ok: false; readonly message: string };

/** What a message says is expected; also the rule as the README states it. */
export const DURATION_EXPECTED = 'expected a duration such as "10s", "500ms", "1m30s" or "1h" (units: ns, us, ms, s, m, h)';

/** Milliseconds (fractions kept: `2us` is 0.002), or why the value is not a duration. */
export function readDuration(value: string | number): ParsedDuration {
  if (typeof value === 'number') {
    if (value === 0) return { ok: true, ms: 0 };
    return { ok: false, message: `${value} has no unit; ${DURATION_EXPECTED}` };
  }
  let rest = value.trim();
  if (rest === '0') return { ok: true, ms: 0 };
  if (rest.startsWith('-')) return { ok: false, message: `${JSON.stringify(value)} is negative; ${DURATION_EXPECTED}` };
  if (rest.startsWith('+')) rest = rest.slice(1);
  if (rest === '') return { ok: false, message: `empty duration; ${DURATION_EXPECTED}` };
  let ms = 0;
  while (rest !== '') {
    const m = PART.exec(rest);
    if (m === null) {
      const why = /^\d+(\.\d*)?$/.test(rest) ? `"${rest}" has no unit` : `cannot read ${JSON.stringify(value)}`;
      return { ok: false, message: `${why}; ${DURATION_EXPECTED}` };
    }
    ms += Number(m[1]) * UNIT_MS[m[2]!]!;
    rest = rest.slice(m[0].length);
  }
  return { ok: true, ms };
}

/** Milliseconds for a duration, or undefined when it is not one (the same grammar as readDuration). */
export function parseDuration(value: string | number): number | undefined {
  const d = readDuration(value);
  return d.ok ? d.ms : undefined;
}

/**
 * Milliseconds as the grammar writes them, shortest first: `1m30s`, `10s`, `1h`, `250ms`.
 * readDuration(formatDuration(ms)) is ms again for every whole number of milliseconds.
 */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (!Number.isInteger(ms) || ms % 1000 !== 0) return `${ms}ms`;
  let s = ms / 1000;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return `${h > 0 ? `${h}h` : ''}${m > 0 ? `${m}m` : ''}${s > 0 ? `${s}s` : ''}`;
}
