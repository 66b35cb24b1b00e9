// The control API's view of the trace store: OTLP export requests in, lists and traces out.
import type { OtlpExportAnswer, TraceDoc, TracesDoc, TracesQuery } from '../../api/contract/index.ts';
import type { TracesPort } from '../../api/ports.ts';
import { decodeOtlpJson } from './otlp-json.ts';
import type { TraceStore } from './trace-store.ts';

export function tracesApi(store: TraceStore): TracesPort {
  return {
    ingest(body: unknown): OtlpExportAnswer {
      const batch = decodeOtlpJson(body);
      store.add(batch.spans);
      // OTLP's partial success: the exporter logs it and does not retry what was malformed.
      return batch.rejected === 0 ? {} : { partialSuccess: { rejectedSpans: batch.rejected, errorMessage: batch.problem ?? 'malformed spans' } };
    },
    list(query: TracesQuery): TracesDoc {
      return { traces: store.list(query), store: store.stats() };
    },
    get(traceId: string): TraceDoc | undefined {
      return store.get(traceId);
    },
  };
}
