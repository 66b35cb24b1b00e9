// `bricks logs [-f] [service...]`: merged output of replicas, a coloured prefix per replica.
import { DEFAULT_LOG_TAIL } from '../../platform/api/contract/index.ts';
import type { LogLine } from '../../platform/api/contract/index.ts';
import type { GlobalOptions } from '../context.ts';
import { clientOf, fromApi } from '../context.ts';
import { formatLogLine } from '../format/log-line.ts';

export interface LogsOptions extends GlobalOptions {
  readonly follow?: boolean;
  readonly tail?: string;
  readonly json?: boolean;
}

export async function logs(services: readonly string[], options: LogsOptions): Promise<void> {
  const api = await clientOf(options);
  // Not a number: the daemon's default.
  const query = { services, tail: Number(options.tail ?? DEFAULT_LOG_TAIL) };
  const print = (l: LogLine): void => {
    console.log(options.json === true ? JSON.stringify(l) : formatLogLine(l));
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
