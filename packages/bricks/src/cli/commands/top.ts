// `bricks top`: requests/s, error rate, p50/p99, CPU and memory per service and replica, from
// the daemon's metrics store, redrawn every 2 s on a terminal (like `docker stats`); once with
// --once, --json or when the output is not a terminal.
import { parseDuration } from '@bricks/sdk/duration';
import { SCRAPE_INTERVAL_MS } from '../../platform/telemetry/scraper.ts';
import type { GlobalOptions } from '../context.ts';
import { clientOf, fromApi } from '../context.ts';
import { CliError } from '../errors.ts';
import { renderTop } from '../format/top.ts';

export interface TopOptions extends GlobalOptions {
  readonly window?: string;
  readonly once?: boolean;
  readonly json?: boolean;
}

/** Faster than the scrape interval is pointless; slower feels stuck. */
const REDRAW_MS = 2000;

export async function top(options: TopOptions): Promise<void> {
  const windowMs = options.window === undefined ? undefined : parseDuration(options.window);
  if (windowMs === undefined && options.window !== undefined) {
    throw new CliError('usage', `bricks top --window: "${options.window}" is not a duration (30s, 5m, 1h)`);
  }
  if (windowMs !== undefined && windowMs < 2 * SCRAPE_INTERVAL_MS) {
    throw new CliError('usage', `bricks top --window: ${options.window} is shorter than two scrapes (${(2 * SCRAPE_INTERVAL_MS) / 1000}s); a rate needs two points`);
  }
  const api = await clientOf(options);
  const read = () => api.top(windowMs === undefined ? {} : { windowMs }).catch((e: unknown) => Promise.reject(fromApi(e)));
  if (options.json === true) {
    console.log(JSON.stringify(await read(), null, 2));
    return;
  }
  if (options.once === true || !process.stdout.isTTY) {
    console.log(renderTop(await read()));
    return;
  }
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  try {
    while (!stop.signal.aborted) {
      const doc = await read();
      // Home and clear, then the table: one write, so the screen never shows half of it.
      process.stdout.write(`\u001b[H\u001b[2J${renderTop(doc)}\n\nevery ${REDRAW_MS / 1000}s · Ctrl-C to stop\n`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, REDRAW_MS);
        stop.signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
      });
    }
  } finally {
    process.off('SIGINT', onSignal);
  }
}
