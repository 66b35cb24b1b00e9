// A replica's output line as `logs` and `up` print it: a coloured prefix per replica, and
// pino-style JSON made readable as `time LEVEL msg key=value`.
import type { LogLine } from '../../platform/api/contract/index.ts';
import { color, colorFor } from './color.ts';

const LEVELS: Record<number, { name: string; paint: (s: string) => string }> = {
  10: { name: 'TRACE', paint: color.dim },
  20: { name: 'DEBUG', paint: color.dim },
  30: { name: 'INFO', paint: color.green },
  40: { name: 'WARN', paint: color.yellow },
  50: { name: 'ERROR', paint: color.red },
  60: { name: 'FATAL', paint: color.red },
};

/** Keys pino writes on every line that say nothing to a reader of merged logs. */
const NOISE = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'v']);

export function readableLine(line: string): string {
  if (!line.startsWith('{')) return line;
  let doc: Record<string, unknown>;
  try {
    doc = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  if (typeof doc !== 'object' || doc === null) return line;
  const level = typeof doc.level === 'number' ? LEVELS[doc.level] : undefined;
  const levelText = level ? level.paint(level.name.padEnd(5)) : typeof doc.level === 'string' ? doc.level.toUpperCase().padEnd(5) : '';
  const time = typeof doc.time === 'number' ? new Date(doc.time).toISOString().slice(11, 23) : '';
  const msg = typeof doc.msg === 'string' ? doc.msg : typeof doc.message === 'string' ? doc.message : '';
  const rest = Object.entries(doc)
    .filter(([k]) => !NOISE.has(k) && k !== 'message')
    .map(([k, v]) => `${color.dim(`${k}=`)}${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return [time && color.dim(time), levelText, msg, rest].filter((s) => s !== '').join(' ');
}

export function formatLogLine(l: LogLine): string {
  return `${colorFor(l.replica)(`${l.replica.padEnd(14)} |`)} ${readableLine(l.line)}`;
}
