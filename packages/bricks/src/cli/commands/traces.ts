// `bricks traces`: recent traces from the daemon's trace store (filter by service, method,
// minimum duration, errors), newest first; `bricks traces <id>` shows one as a waterfall.
import { parseDuration } from '@bricks/sdk/duration';
import type { TracesQuery } from '../../platform/api/contract/index.ts';
import type { GlobalOptions } from '../context.ts';
import { clientOf, fromApi } from '../context.ts';
import { CliError } from '../errors.ts';
import { color } from '../format/color.ts';
import { table } from '../format/table.ts';
import { formatMs, renderWaterfall } from '../format/waterfall.ts';

export interface TracesOptions extends GlobalOptions {
  readonly service?: string;
  readonly method?: string;
  readonly minDuration?: string;
  readonly errors?: boolean;
  readonly limit?: string;
  readonly json?: boolean;
}

export async function traces(id: string | undefined, options: TracesOptions): Promise<void> {
  const api = await clientOf(options);
  if (id !== undefined) {
    if (!/^[0-9a-fA-F]{32}$/.test(id)) throw new CliError('usage', `bricks traces ${id}: a trace id is 32 hex digits (the second field of a traceparent, or a log line's traceId)`);
    const doc = await api.trace(id.toLowerCase()).catch((e: unknown) => Promise.reject(fromApi(e)));
    if (options.json === true) {
      console.log(JSON.stringify(doc, null, 2));
      return;
    }
    const root = doc.spans[0];
    const services = [...new Set(doc.spans.map((s) => s.service))].join(', ');
    console.log(`trace ${doc.traceId}: ${doc.spans.length} span${doc.spans.length === 1 ? '' : 's'} across ${services}${root ? ` · logs: bricks logs --trace ${doc.traceId}` : ''}`);
    const width = Math.max(20, Math.min(60, (process.stdout.columns ?? 120) - 90));
    for (const line of renderWaterfall(doc.spans, { width, color: (k, t) => (k === 'error' ? color.red(t) : color.cyan(t)) })) console.log(line);
    return;
  }
  const query: TracesQuery = {
    ...(options.service !== undefined ? { service: options.service } : {}),
    ...(options.method !== undefined ? { method: options.method } : {}),
    ...(options.minDuration !== undefined ? { minDurationMs: durationOf(options.minDuration) } : {}),
    ...(options.errors === true ? { errors: true } : {}),
    ...(options.limit !== undefined ? { limit: limitOf(options.limit) } : {}),
  };
  const doc = await api.traces(query).catch((e: unknown) => Promise.reject(fromApi(e)));
  if (options.json === true) {
    console.log(JSON.stringify(doc, null, 2));
    return;
  }
  if (doc.traces.length === 0) {
    console.log(doc.store.spans === 0 ? 'no traces yet: SDK services export their spans to the daemon once they serve calls' : 'no trace matches');
    return;
  }
  const rows = doc.traces.map((t) => [
    t.traceId,
    new Date(t.startMs).toISOString().slice(11, 23),
    t.name,
    t.service,
    formatMs(t.durationMs),
    String(t.spans),
    t.services.join(','),
    t.error ? color.red('error') : '',
  ]);
  console.log(table(['TRACE', 'START', 'ROOT', 'SERVICE', 'DURATION', 'SPANS', 'SERVICES', ''], rows));
  console.log(`\n${doc.store.spans} spans in ${doc.store.traces} traces kept (at most ${doc.store.maxSpans}, ${doc.store.retentionMs / 60_000} min) · bricks traces <TRACE> for one`);
}

function durationOf(text: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) throw new CliError('usage', `bricks traces --min-duration: "${text}" is not a duration (250ms, 1s)`);
  return ms;
}

function limitOf(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new CliError('usage', `bricks traces --limit: "${text}" is not a count from 1 to 1000`);
  return n;
}
