// Which replica output lines a `bricks logs` query wants: a time window, replicas, a level at
// least, a trace id, and a text search. Pure; the log store applies it to memory and to files.
import type { LogLine } from '../api/contract/index.ts';

export interface LogFilter {
  /** Only these services (all when empty or unset). */
  readonly services?: readonly string[];
  /** Only these replicas (`catalog.2`). */
  readonly replicas?: readonly string[];
  /** Epoch ms, inclusive. */
  readonly since?: number;
  /** Epoch ms, exclusive. */
  readonly until?: number;
  /** Lines at this level or above (pino's numbers: 30 info, 40 warn, 50 error). */
  readonly level?: number;
  /** The W3C trace id the line was logged in (the SDK writes `trace_id`). */
  readonly trace?: string;
  /** Text the line contains, case-insensitive. */
  readonly grep?: string;
}

/** Level names as pino writes them, to numbers. */
export const LOG_LEVELS: Readonly<Record<string, number>> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };

/** A JSON line's fields, or null for plain text (parsed once per line per query). */
function fieldsOf(line: string): Record<string, unknown> | null {
  if (!line.startsWith('{')) return null;
  try {
    const v: unknown = JSON.parse(line);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The line's level as a number; undefined when it says none (plain text). */
export function levelOf(fields: Record<string, unknown> | null): number | undefined {
  const l = fields?.['level'];
  if (typeof l === 'number') return l;
  if (typeof l === 'string') return LOG_LEVELS[l.toLowerCase()];
  return undefined;
}

export function traceOf(fields: Record<string, unknown> | null): string | undefined {
  const t = fields?.['trace_id'] ?? fields?.['traceId'];
  return typeof t === 'string' ? t : undefined;
}

export function matchesLog(l: LogLine, f: LogFilter): boolean {
  if (f.services !== undefined && f.services.length > 0 && !f.services.includes(l.service)) return false;
  if (f.replicas !== undefined && f.replicas.length > 0 && !f.replicas.includes(l.replica)) return false;
  if (f.since !== undefined && l.time < f.since) return false;
  if (f.until !== undefined && l.time >= f.until) return false;
  if (f.grep !== undefined && f.grep !== '' && !l.line.toLowerCase().includes(f.grep.toLowerCase())) return false;
  if (f.level === undefined && f.trace === undefined) return true;
  const fields = fieldsOf(l.line);
  if (f.level !== undefined && (levelOf(fields) ?? -1) < f.level) return false;
  if (f.trace !== undefined && traceOf(fields) !== f.trace) return false;
  return true;
}
