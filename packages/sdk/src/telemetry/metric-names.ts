// The names of the metrics an SDK service serves at /metrics and the platform reads back (its
// scraper, `bricks top`, the Grafana dashboards bricks writes), in one place. They follow
// OpenTelemetry's RPC semantic conventions as Prometheus spells them (dots to underscores, the
// unit as a suffix): rpc.server.call.duration in seconds is rpc_server_call_duration_seconds,
// with rpc.system, rpc.service, rpc.method and rpc.grpc.status_code as labels. It is
// `@bricks/sdk/metric-names`: no imports, so the CLI bundle takes this file alone.

/** Time to serve a call, from its arrival to its last byte. A histogram, seconds. */
export const RPC_SERVER_DURATION = 'rpc_server_call_duration_seconds';
/** Time of a call as its caller saw it, retries included. A histogram, seconds. */
export const RPC_CLIENT_DURATION = 'rpc_client_call_duration_seconds';

/** The labels of both histograms. */
export const RPC_LABELS = {
  /** `grpc` for gRPC and the fast transport, `connect_rpc` for Connect and gRPC-Web (OpenTelemetry's values). */
  system: 'rpc_system',
  /** The protobuf service's full name: `arcade.v1.CatalogService`. */
  service: 'rpc_service',
  /** The method's name: `ListGames`. */
  method: 'rpc_method',
  /** gRPC's status code as a number, 0 for OK (Connect's codes are the same numbers). */
  grpcStatus: 'rpc_grpc_status_code',
  /** Server side: how the call came (grpc, connect, grpc-web, fast, local). A bricks label. */
  transport: 'transport',
  /** Client side: the bricks service called (OpenTelemetry's peer.service). */
  peer: 'peer_service',
} as const;

/** The status code label's value for a call that succeeded. */
export const GRPC_OK = '0';
