// `bricks logs [-f] [service...]`: merged output of replicas, a coloured prefix per replica;
// a time window (--since, --until), filters (--replica, --level, --trace, --grep) and the
// shape of each line (-t, --no-log-prefix, --no-color, --json).
import { parseDuration } from '@bricks/sdk/duration';
import { DEFAULT_LOG_TAIL } from '../../platform/api/contract/index.ts';
import type { LogLine, LogsQuery } from '../../platform/api/contract/index.ts';
import { LOG_LEVELS } from '../../platform/telemetry/log-filter.ts';
import type { GlobalOptions } from '../context.ts';
import { clientOf, fromApi } from '../context.ts';
import { CliError } from '../errors.ts';
import { disableColor } from '../format/color.ts';
import { formatLogLine } from '../format/log-line.ts';

export interface LogsOptions extends GlobalOptions {
  readonly follow?: boolean;
  readonly tail?: string;
  readonly json?: boolean;
  readonly since?: string;
  readonly until?: string;
  readonly replicas?: readonly string[];
  readonly level?: string;
  readonly trace?: string;
  readonly grep?: string;
  readonly timestamps?: boolean;
  readonly prefix?: boolean;
  readonly color?: boolean;
}

/**
 * `--since 10m` (a duration back from now, in the stack file's grammar) or a time Date reads
 * (`2026-12-02T13:00:00Z`, `2026-12-02 13:00`); epoch ms.
 */
export function parseWhen(flag: string, value: string, now = Date.now()): number {
  const ago = parseDuration(value);
  if (ago !== undefined) return now - ago;
  const at = Date.parse(value);
  if (!Number.isNaN(at)) return at;
  throw new CliError('usage', `bricks logs ${flag}: "${value}" is neither a duration back from now (10m, 1h30m) nor a time (2026-12-02T13:00:00Z)`);
}

export function parseLevel(value: string): number {
  const level = LOG_LEVELS[value.toLowerCase()];
  if (level !== undefined) return level;
  throw new CliError('usage', `bricks logs --level: "${value}" is not one of ${Object.keys(LOG_LEVELS).join(', ')}`);
}

export async function logs(services: readonly string[], options: LogsOptions): Promise<void> {
  if (options.color === false) disableColor();
  const api = await clientOf(options);
  const filters: Omit<LogsQuery, 'follow' | 'tail' | 'services'> = {
    ...(options.since === undefined ? {} : { since: parseWhen('--since', options.since) }),
    ...(options.until === undefined ? {} : { until: parseWhen('--until', options.until) }),
    ...(options.replicas === undefined || options.replicas.length === 0 ? {} : { replicas: options.replicas }),
    ...(options.level === undefined ? {} : { level: parseLevel(options.level) }),
    ...(options.trace === undefined ? {} : { trace: options.trace }),
    ...(options.grep === undefined ? {} : { grep: options.grep }),
  };
  // A window or a search means every line in it; otherwise the last -n. Not a number: the daemon's default.
  const windowed = filters.since !== undefined || filters.grep !== undefined || filters.trace !== undefined;
  const tail = options.tail === undefined && windowed ? -1 : Number(options.tail ?? DEFAULT_LOG_TAIL);
  const query = { services, tail, ...filters };
  const line = { timestamps: options.timestamps === true, prefix: options.prefix !== false };
  const print = (l: LogLine): void => {
    console.log(options.json === true ? JSON.stringify(l) : formatLogLine(l, line));
  };
  try {
    if (options.follow !== true) {
      for (const l of await api.logs(query)) print(l);
      return;
    }
    const controller = new AbortController();
    process.once('SIGINT', () => controller.abort());
    for await (const l of api.followLogs(query, controller.signal)) print(l);
  } catch (err) {
    throw fromApi(err);
  }
}
