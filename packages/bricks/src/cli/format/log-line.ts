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

/** Fields that hold an error: their stack is printed on lines of its own, as it was thrown. */
const ERROR_KEYS = new Set(['err', 'error']);

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
  // pino writes epoch ms by default and an ISO string with isoTime (the SDK's choice).
  const when = typeof doc.time === 'number' || typeof doc.time === 'string' ? new Date(doc.time) : null;
  const time = when !== null && !Number.isNaN(when.getTime()) ? when.toISOString().slice(11, 23) : '';
  const msg = typeof doc.msg === 'string' ? doc.msg : typeof doc.message === 'string' ? doc.message : '';
  const stacks: string[] = [];
  const rest = Object.entries(doc)
    .filter(([k]) => !NOISE.has(k) && k !== 'message')
    .map(([k, v]) => {
      if (ERROR_KEYS.has(k) && typeof v === 'object' && v !== null && typeof (v as { stack?: unknown }).stack === 'string') {
        stacks.push((v as { stack: string }).stack);
        const { stack: _stack, ...others } = v as Record<string, unknown>;
        return `${color.dim(`${k}=`)}${JSON.stringify(others)}`;
      }
      return `${color.dim(`${k}=`)}${typeof v === 'string' ? v : JSON.stringify(v)}`;
    })
    .join(' ');
  const head = [time && color.dim(time), levelText, msg, rest].filter((s) => s !== '').join(' ');
  return stacks.length === 0 ? head : `${head}\n${stacks.join('\n')}`;
}

export interface LineOptions {
  /** The time the platform received the line, first (`-t`). */
  readonly timestamps?: boolean;
  /** Without the `replica |` prefix (`--no-log-prefix`). */
  readonly prefix?: boolean;
}

export function formatLogLine(l: LogLine, options: LineOptions = {}): string {
  const parts: string[] = [];
  if (options.timestamps === true) parts.push(color.dim(new Date(l.time).toISOString()));
  if (options.prefix !== false) parts.push(colorFor(l.replica)(`${l.replica.padEnd(14)} |`));
  const text = readableLine(l.line);
  // A stack's lines go under the prefix, indented, so a reader sees whose they are.
  const pad = options.prefix !== false ? ' '.repeat(17) : '  ';
  parts.push(text.includes('\n') ? text.split('\n').join(`\n${pad}`) : text);
  return parts.join(' ');
}
