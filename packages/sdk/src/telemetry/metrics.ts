// Prometheus metrics (prom-client): RPC server and client histograms by method and code, plus
// prom-client's process metrics (CPU, memory, GC, event-loop lag). One registry per process,
// served on the replica's own port at GET /metrics.
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

// Buckets in seconds from 0.5 ms to 10 s: in-process calls take microseconds, remote ones
// milliseconds, and the default deadline is 5 s.
const buckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface RpcMetrics {
  readonly registry: Registry;
  readonly server: Histogram<'method' | 'code' | 'transport'>;
  readonly client: Histogram<'target' | 'method' | 'code'>;
}

let metrics: RpcMetrics | undefined;

export function rpcMetrics(): RpcMetrics {
  if (metrics) return metrics;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  metrics = {
    registry,
    server: new Histogram({
      name: 'bricks_rpc_server_duration_seconds',
      help: 'Time to serve an RPC, by method, result code and transport.',
      labelNames: ['method', 'code', 'transport'],
      buckets,
      registers: [registry],
    }),
    client: new Histogram({
      name: 'bricks_rpc_client_duration_seconds',
      help: 'Time of an RPC as the caller saw it (retries included), by target service, method and result code.',
      labelNames: ['target', 'method', 'code'],
      buckets,
      registers: [registry],
    }),
  };
  return metrics;
}
