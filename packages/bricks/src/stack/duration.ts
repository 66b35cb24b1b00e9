// Compose durations, which are Go `time.ParseDuration` strings: `1m30s`, `10s`, `500ms`, `1.5h`, `2us`.
// A bare number is rejected except 0, as Docker Compose does (it formats the value and hands it
// to ParseDuration, which demands a unit): `interval: 10` is ambiguous (seconds? ms?), so we ask.

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

const EXPECTED = 'expected a duration such as "10s", "500ms", "1m30s" or "1h" (units: ns, us, ms, s, m, h)';

/** Non-negative durations only: every duration in a stack file is a wait or a limit. */
export function parseDuration(value: string | number): ParsedDuration {
  if (typeof value === 'number') {
    if (value === 0) return { ok: true, ms: 0 };
    return { ok: false, message: `${value} has no unit; ${EXPECTED}` };
  }
  let rest = value.trim();
  if (rest === '0') return { ok: true, ms: 0 };
  if (rest.startsWith('-')) return { ok: false, message: `${JSON.stringify(value)} is negative; ${EXPECTED}` };
  if (rest.startsWith('+')) rest = rest.slice(1);
  if (rest === '') return { ok: false, message: `empty duration; ${EXPECTED}` };
  let ms = 0;
  while (rest !== '') {
    const m = PART.exec(rest);
    if (m === null) {
      const why = /^\d+(\.\d*)?$/.test(rest) ? `"${rest}" has no unit` : `cannot read ${JSON.stringify(value)}`;
      return { ok: false, message: `${why}; ${EXPECTED}` };
    }
    ms += Number(m[1]) * UNIT_MS[m[2]!]!;
    rest = rest.slice(m[0].length);
  }
  return { ok: true, ms };
}
