// JSON logs on stdout (pino), each line with the service, the replica and, inside a call,
// the trace and span ids of that call.
import { trace } from '@opentelemetry/api';
import { pino, type Logger } from 'pino';
import { readPlatformEnv } from '../config/platform-env.ts';
import { LOG_LEVEL_VARIABLE } from '../config/platform-env-names.js';
import { currentScope } from '../context/call-context.ts';

export type { Logger } from 'pino';

export function createLogger(opts: { service?: string; replica?: string; level?: string } = {}): Logger {
  const env = readPlatformEnv();
  return pino({
    level: opts.level ?? process.env[LOG_LEVEL_VARIABLE] ?? 'info',
    base: { service: opts.service ?? env.service ?? null, replica: opts.replica ?? env.replica ?? null },
    timestamp: pino.stdTimeFunctions.isoTime,
    mixin() {
      const call = currentScope();
      const sc = call ? call.spanContext : trace.getActiveSpan()?.spanContext();
      return sc ? { trace_id: sc.traceId, span_id: sc.spanId } : {};
    },
  });
}

/** The process's logger, made at import from the platform environment. */
export const logger: Logger = createLogger();
