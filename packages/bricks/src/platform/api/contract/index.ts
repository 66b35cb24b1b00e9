// The control API's contract: its routes and, for each, the request it takes and the documents
// or lines it answers with. The routes, the daemon's parts that make those documents, the
// client and the CLI all import it from here.
export { API } from './api.ts';
export type { ConfigDoc, JsonOf, LineOf, RequestOf, RouteName } from './api.ts';
export type { RouteSpec, RequestSpec, QueryCodec } from './route-spec.ts';

export type { ReplicaRow, ReplicaStatus, ServiceRow, ServiceStatus, StatusDoc, StatusQuery } from './status.ts';
export type { DownAnswer, RestartAnswer, ScaleAnswer } from './commands.ts';
export type { RestartRequest, RollbackRequest, ScaleRequest, TokenRequest } from './bodies.ts';
export type { EventsQuery, PlatformEvent } from './events.ts';
export { DEFAULT_LOG_TAIL } from './logs.ts';
export type { LogLine, LogsQuery } from './logs.ts';
export { DEFAULT_ROLLBACK_REF } from './operations.ts';
export type { DeployOutcome, DeployProgress, DeployResult, OperationLine } from './operations.ts';
export type { DiffDoc, DiffQuery, HistoryChange, HistoryDoc, HistoryRow } from './releases.ts';
export type { DiscoveryDoc, DiscoveryQuery } from './discovery.ts';
export { DEFAULT_TOP_WINDOW_MS } from './metrics.ts';
export type { HttpSdGroup, TopDoc, TopQuery, TopReplica } from './metrics.ts';
export type { TopRow } from '../../telemetry/top.ts';
export { DEFAULT_RANGE_STEP_MS, DEFAULT_RANGE_WINDOW_MS, MAX_RANGE_STEPS } from './metrics-range.ts';
export type { Line, RangeDoc, RangeQuery, RangeService } from './metrics-range.ts';
export type { DashboardLoginAnswer } from './dashboard.ts';
export { IDENTITY_ISSUER_PATH } from './identity.ts';
export type { IdentityDiscoveryDoc, JwksDoc, TokenAnswer } from './identity.ts';
export { DEFAULT_TRACES_LIMIT } from './traces.ts';
export type { OtlpExportAnswer, SpanKindName, SpanStatusName, StoredSpan, TraceDoc, TraceQuery, TracesDoc, TracesQuery, TraceStoreStats, TraceSummary } from './traces.ts';
