// Telemetry: pino logs, prom-client metrics, OpenTelemetry spans with W3C traceparent.
export { logger, createLogger } from './logger.ts';
export type { Logger } from './logger.ts';
export { rpcMetrics } from './metrics.ts';
export type { RpcMetrics } from './metrics.ts';
export { startRpcSpan, endRpcSpan } from './tracing.ts';
export type { StartedSpan } from './tracing.ts';
export { parseTraceparent, formatTraceparent, contextFromHeaders } from './trace-context.ts';
