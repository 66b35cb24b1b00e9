// Sizes as the stack file writes them: a whole number of bytes, or a number and a unit ("8MiB",
// "64kB", "1.5MB"). Binary units (KiB, MiB, GiB) are powers of 1024, decimal ones (kB/KB, MB, GB)
// of 1000, as IEC 80000-13 has them; a bare "8M" is refused because it could mean either.
const UNITS: Readonly<Record<string, number>> = {
  B: 1,
  kB: 1e3,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  KiB: 1024,
  MiB: 1024 ** 2,
  GiB: 1024 ** 3,
};

export const SIZE_EXPECTED = 'expected bytes (a whole number) or a size such as "64KiB", "8MiB", "1MB" (units: B, kB, KB, MB, GB, KiB, MiB, GiB)';

export type ParsedSize = { readonly ok: true; readonly bytes: number } | { readonly ok: false; readonly message: string };

export function readSize(value: string | number): ParsedSize {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) && value >= 0 ? { ok: true, bytes: value } : { ok: false, message: `${value} is not a whole number of bytes; ${SIZE_EXPECTED}` };
  }
  const m = /^\s*(\d+(?:\.\d+)?)\s*([A-Za-z]*)\s*$/.exec(value);
  if (m === null) return { ok: false, message: `cannot read ${JSON.stringify(value)}; ${SIZE_EXPECTED}` };
  const unit = m[2] === '' ? 'B' : m[2]!;
  const factor = UNITS[unit];
  if (factor === undefined) return { ok: false, message: `${JSON.stringify(value)} has an unknown unit "${unit}"; ${SIZE_EXPECTED}` };
  const bytes = Math.floor(Number(m[1]) * factor);
  if (!Number.isSafeInteger(bytes)) return { ok: false, message: `${JSON.stringify(value)} is too large; ${SIZE_EXPECTED}` };
  return { ok: true, bytes };
}
