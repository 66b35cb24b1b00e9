// Prometheus metrics: RPC server and client histograms by method and code, plus prom-client's
// process metrics (CPU, memory, GC, event-loop lag). One prom-client registry per process,
// served on the replica's own port at GET /metrics.
import { collectDefaultMetrics, Registry, type Metric } from 'prom-client';
import { RpcHistogram } from './rpc-histogram.ts';

export { RpcHistogram, type HistogramSeries } from './rpc-histogram.ts';

// Buckets in seconds from 0.5 ms to 10 s: in-process calls take microseconds, remote ones
// milliseconds, and the default deadline is 5 s.
const buckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface RpcMetrics {
  readonly registry: Registry;
  readonly server: RpcHistogram<'method' | 'code' | 'transport'>;
  readonly client: RpcHistogram<'target' | 'method' | 'code'>;
}

let metrics: RpcMetrics | undefined;

export function rpcMetrics(): RpcMetrics {
  if (metrics) return metrics;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const server = new RpcHistogram({
    name: 'bricks_rpc_server_duration_seconds',
    help: 'Time to serve an RPC, by method, result code and transport.',
    labelNames: ['method', 'code', 'transport'],
    buckets,
  });
  const client = new RpcHistogram({
    name: 'bricks_rpc_client_duration_seconds',
    help: 'Time of an RPC as the caller saw it (retries included), by target service, method and result code.',
    labelNames: ['target', 'method', 'code'],
    buckets,
  });
  // The registry only reads name/help/type/aggregator and get(); see rpc-histogram.ts.
  registry.registerMetric(server as unknown as Metric);
  registry.registerMetric(client as unknown as Metric);
  metrics = { registry, server, client };
  return metrics;
}
