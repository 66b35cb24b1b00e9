// Prometheus metrics: RPC server and client histograms by service, method and gRPC status code
// (names and labels in metric-names.ts, after OpenTelemetry's RPC conventions), plus
// prom-client's process metrics (CPU, memory, GC, event-loop lag). One registry of the SDK's per
// process, served on the replica's own port at GET /metrics together with prom-client's default
// registry, where a service's own metrics land.
import { collectDefaultMetrics, register, Registry, type Metric } from 'prom-client';
import { codeToGrpc, type ErrorCode } from '../errors/code.ts';
import { GRPC_OK, RPC_CLIENT_DURATION, RPC_LABELS, RPC_SERVER_DURATION } from './metric-names.ts';
import { RpcHistogram, type HistogramSeries } from './rpc-histogram.ts';

export { RpcHistogram, type HistogramSeries } from './rpc-histogram.ts';

// Buckets in seconds from 0.5 ms to 10 s: in-process calls take microseconds, remote ones
// milliseconds, and the default deadline is 5 s.
const buckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

type ServerLabel = (typeof RPC_LABELS)['system' | 'service' | 'method' | 'grpcStatus' | 'transport'];
type ClientLabel = (typeof RPC_LABELS)['service' | 'method' | 'grpcStatus' | 'peer'];

export interface RpcMetrics {
  readonly registry: Registry;
  readonly server: RpcHistogram<ServerLabel>;
  readonly client: RpcHistogram<ClientLabel>;
}

/** How a call came to a server; the values of the `transport` label. */
export type ServerTransport = 'connect' | 'grpc' | 'fast' | 'in-process';

/** OpenTelemetry's rpc.system: Connect's router is connect_rpc, bricks' own transports `bricks`. */
const SYSTEMS: Readonly<Record<ServerTransport, string>> = { connect: 'connect_rpc', grpc: 'grpc', fast: 'bricks', 'in-process': 'bricks' };

/** `pkg.Service/Method` → its service and method labels. */
function split(path: string): { service: string; method: string } {
  const at = path.lastIndexOf('/');
  return { service: path.slice(0, at), method: path.slice(at + 1) };
}

function grpcStatus(code: ErrorCode | 'ok'): string {
  return code === 'ok' ? GRPC_OK : String(codeToGrpc(code));
}

/** The server series of one method, code and transport: resolve once, then observe. */
export function serverSeries(path: string, code: ErrorCode | 'ok', transport: ServerTransport): HistogramSeries {
  const { service, method } = split(path);
  return rpcMetrics().server.labels({ rpc_system: SYSTEMS[transport], rpc_service: service, rpc_method: method, rpc_grpc_status_code: grpcStatus(code), transport });
}

/** The client series of one target service, method and code. */
export function clientSeries(peer: string, path: string, code: ErrorCode | 'ok'): HistogramSeries {
  const { service, method } = split(path);
  return rpcMetrics().client.labels({ rpc_service: service, rpc_method: method, rpc_grpc_status_code: grpcStatus(code), peer_service: peer });
}

let metrics: RpcMetrics | undefined;

export function rpcMetrics(): RpcMetrics {
  if (metrics) return metrics;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const server = new RpcHistogram<ServerLabel>({
    name: RPC_SERVER_DURATION,
    help: 'Time to serve an RPC, by service, method, gRPC status code and transport.',
    labelNames: [RPC_LABELS.system, RPC_LABELS.service, RPC_LABELS.method, RPC_LABELS.grpcStatus, RPC_LABELS.transport],
    buckets,
  });
  const client = new RpcHistogram<ClientLabel>({
    name: RPC_CLIENT_DURATION,
    help: 'Time of an RPC as the caller saw it (retries included), by service, method, gRPC status code and the bricks service called.',
    labelNames: [RPC_LABELS.service, RPC_LABELS.method, RPC_LABELS.grpcStatus, RPC_LABELS.peer],
    buckets,
  });
  // The registry only reads name/help/type/aggregator and get(); see rpc-histogram.ts.
  registry.registerMetric(server as unknown as Metric);
  registry.registerMetric(client as unknown as Metric);
  metrics = { registry, server, client };
  return metrics;
}

/**
 * What GET /metrics serves: the SDK's registry, then prom-client's default one (where
 * `new Counter(...)` registers unless told otherwise), less any family the SDK's already has
 * (a service that also called collectDefaultMetrics() would otherwise serve them twice).
 */
export async function metricsText(): Promise<string> {
  const { registry } = rpcMetrics();
  const ours = await registry.metrics();
  const own = new Set(registry.getMetricsAsArray().map((m) => m.name));
  const theirs = register.getMetricsAsArray().map((m) => m.name).filter((name) => !own.has(name));
  if (theirs.length === 0) return ours;
  const texts = await Promise.all(theirs.map((name) => register.getSingleMetricAsString(name)));
  return `${ours}\n${texts.join('\n\n')}\n`;
}

/** The exposition's content type (Prometheus text 0.0.4). */
export const METRICS_CONTENT_TYPE = register.contentType;
