// Telemetry: pino logs, prom-client metrics, OpenTelemetry spans with W3C traceparent.
export { logger, createLogger } from './logger.ts';
export type { Logger } from './logger.ts';
export { rpcMetrics, metricsText, METRICS_CONTENT_TYPE } from './metrics.ts';
export type { RpcMetrics } from './metrics.ts';
// Spans live in tracing/, below the call context that carries them (the logger above reads it).
export { startRpcSpan, endRpcSpan } from '../tracing/rpc-span.ts';
export type { StartedSpan } from '../tracing/rpc-span.ts';
export { parseTraceparent, formatTraceparent, contextFromHeaders } from '../tracing/trace-context.ts';
