// Span export. Where an OTLP endpoint is set (OpenTelemetry's own variables; the daemon sets
// its receiver for every replica), the process registers OpenTelemetry's tracer provider with a
// batching OTLP/HTTP exporter, and every RPC span the SDK begins records and leaves the process
// in batches. Without one nothing is registered, and spans stay ids only (rpc-span.ts): tracing
// costs nothing where nobody collects. JSON rather than protobuf on the wire: every collector
// takes both (OTLP/HTTP), and the daemon's receiver then needs no generated code.
import { trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { readPlatformEnv } from '../config/platform-env.ts';
import { OTLP_ENDPOINT_VARIABLE, OTLP_TRACES_ENDPOINT_VARIABLE, TRACES_EXPORTER_VARIABLE } from '../config/platform-env-names.js';

type Env = Readonly<Record<string, string | undefined>>;

/** Who the spans are from: OpenTelemetry's resource attributes. */
export interface SpanSource {
  readonly service: string;
  readonly replica?: string;
  readonly stack?: string;
}

let provider: TracerProvider | undefined;

/** The URL spans are posted to, or undefined when nothing collects them. */
export function tracesEndpoint(env: Env): string | undefined {
  if (env[TRACES_EXPORTER_VARIABLE] === 'none') return undefined;
  const own = env[OTLP_TRACES_ENDPOINT_VARIABLE];
  if (own !== undefined && own !== '') return own;
  const base = env[OTLP_ENDPOINT_VARIABLE];
  if (base === undefined || base === '') return undefined;
  return `${base.replace(/\/+$/, '')}/v1/traces`;
}

/**
 * Starts exporting this process's spans, once (a second serve() in the process, a group's
 * members, its clients, share the first one's provider). The source defaults to the replica
 * environment's names; `fallbackService` names a process outside a platform. Returns whether
 * spans are exported.
 */
export function startTracing(env: Env, fallbackService = 'unknown_service'): boolean {
  if (provider !== undefined) return true;
  const url = tracesEndpoint(env);
  if (url === undefined) return false;
  const penv = readPlatformEnv(env);
  const source: SpanSource = { service: penv.service ?? fallbackService, ...(penv.replica !== undefined ? { replica: penv.replica } : {}), ...(penv.stack !== undefined ? { stack: penv.stack } : {}) };
  provider = new TracerProvider({
    resource: resourceFromAttributes({
      'service.name': source.service,
      ...(source.replica !== undefined ? { 'service.instance.id': source.replica } : {}),
      ...(source.stack !== undefined ? { 'service.namespace': source.stack } : {}),
    }),
    // Batches of up to 512 every second, at most 2048 waiting: a burst beyond that drops spans
    // (counted by the processor) rather than holding memory or blocking calls.
    spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url, timeoutMillis: 5_000 }), scheduledDelayMillis: 1_000, maxQueueSize: 2_048, maxExportBatchSize: 512 })],
  });
  trace.setGlobalTracerProvider(provider);
  return true;
}

/** Sends what is batched and stops exporting: at the end of a graceful shutdown. */
export async function stopTracing(): Promise<void> {
  const p = provider;
  if (p === undefined) return;
  provider = undefined;
  await p.shutdown().catch(() => undefined);
  trace.disable();
}
