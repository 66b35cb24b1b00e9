// `bricks logs [-f] [service...]`: merged output of replicas, a coloured prefix per replica.
import type { LogLine } from '../../platform/api/contract/index.ts';
import type { GlobalOptions } from '../context.ts';
import { clientOf, fromApi } from '../context.ts';
import { colorFor } from '../format/color.ts';
import { readableLine } from '../format/log-line.ts';

export interface LogsOptions extends GlobalOptions {
  readonly follow?: boolean;
  readonly tail?: string;
  readonly json?: boolean;
}

export async function logs(services: readonly string[], options: LogsOptions): Promise<void> {
  const api = await clientOf(options);
  const query = new URLSearchParams();
  for (const s of services) query.append('service', s);
  query.set('tail', options.tail ?? '200');
  const print = (l: LogLine): void => {
    console.log(options.json === true ? JSON.stringify(l) : formatLogLine(l));
  };
  try {
    if (options.follow !== true) {
      for (const l of await api.get<LogLine[]>(`/v1/logs?${query.toString()}`)) print(l);
      return;
    }
    query.set('follow', '1');
    const controller = new AbortController();
    process.once('SIGINT', () => controller.abort());
    for await (const l of api.stream<LogLine>(`/v1/logs?${query.toString()}`, controller.signal)) print(l);
  } catch (err) {
    throw fromApi(err);
  }
}

export function formatLogLine(l: LogLine): string {
  return `${colorFor(l.replica)(`${l.replica.padEnd(14)} |`)} ${readableLine(l.line)}`;
}
