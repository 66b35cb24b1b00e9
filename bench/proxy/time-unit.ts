// Load tools print durations with a unit (`812.34us`, `1.2ms`, `3s`, `1m`): to milliseconds.
export function toMs(value: string, unit: string, tool: string): number {
  const n = Number(value);
  switch (unit) {
    case 'us':
      return n / 1000;
    case 'ms':
      return n;
    case 's':
      return n * 1000;
    case 'm':
      return n * 60_000;
    default:
      throw new Error(`unknown ${tool} time unit ${unit}`);
  }
}
