// Traces: the OTLP/HTTP JSON reader and the daemon's bounded store behind `bricks traces`.
export { decodeOtlpJson } from './otlp-json.ts';
export type { DecodedBatch } from './otlp-json.ts';
export { summarize, TRACE_STORE_DEFAULTS, TraceStore } from './trace-store.ts';
export type { TraceStoreOptions } from './trace-store.ts';
export { tracesApi } from './traces-port.ts';
