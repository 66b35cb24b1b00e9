// The control API's routes, named once: the routes serve exactly these, and the client calls
// them by name, so no path is written anywhere else.
import type { StackJson } from '../../../stack/index.ts';
import type { RestartRequest, RollbackRequest, ScaleRequest, TokenRequest } from './bodies.ts';
import type { DownAnswer, RestartAnswer, ScaleAnswer } from './commands.ts';
import type { DiscoveryDoc, DiscoveryQuery } from './discovery.ts';
import { discoveryQuery } from './discovery.ts';
import type { EventsQuery, PlatformEvent } from './events.ts';
import type { IdentityDiscoveryDoc, JwksDoc, TokenAnswer } from './identity.ts';
import { eventsQuery } from './events.ts';
import type { LogLine, LogsQuery } from './logs.ts';
import type { HttpSdGroup, TopDoc, TopQuery } from './metrics.ts';
import { topQuery } from './metrics.ts';
import { logsQuery } from './logs.ts';
import type { OperationLine } from './operations.ts';
import type { DiffDoc, DiffQuery, HistoryDoc } from './releases.ts';
import { diffQuery } from './releases.ts';
import { JSON_BODY, NO_REQUEST, route } from './route-spec.ts';
import type { RouteSpec } from './route-spec.ts';
import type { StatusDoc, StatusQuery } from './status.ts';
import type { OtlpExportAnswer, TraceDoc, TraceQuery, TracesDoc, TracesQuery } from './traces.ts';
import { traceQuery, tracesQuery } from './traces.ts';
import { statusQuery } from './status.ts';
import type { DashboardLoginAnswer } from './dashboard.ts';
import type { RangeDoc, RangeQuery } from './metrics-range.ts';
import { rangeQuery } from './metrics-range.ts';

/** The normalized stack, as `bricks config --json` prints it. */
export type ConfigDoc = StackJson;

export const API = {
  status: route<StatusQuery, StatusDoc>({ method: 'GET', path: '/v1/status', request: { in: 'query', codec: statusQuery } }),
  config: route<void, ConfigDoc>({ method: 'GET', path: '/v1/config', request: NO_REQUEST }),
  scale: route<ScaleRequest, ScaleAnswer>({ method: 'POST', path: '/v1/scale', request: JSON_BODY }),
  restart: route<RestartRequest, RestartAnswer>({ method: 'POST', path: '/v1/restart', request: JSON_BODY }),
  down: route<void, DownAnswer>({ method: 'POST', path: '/v1/down', request: NO_REQUEST }),
  events: route<EventsQuery, never, PlatformEvent>({ method: 'GET', path: '/v1/events', request: { in: 'query', codec: eventsQuery } }),
  /** A JSON array of the history; with `follow`, an NDJSON stream of it and then of new lines. */
  logs: route<LogsQuery, readonly LogLine[], LogLine>({ method: 'GET', path: '/v1/logs', request: { in: 'query', codec: logsQuery } }),
  deploy: route<void, never, OperationLine>({ method: 'POST', path: '/v1/deploy', request: NO_REQUEST }),
  rollback: route<RollbackRequest, never, OperationLine>({ method: 'POST', path: '/v1/rollback', request: JSON_BODY }),
  history: route<void, HistoryDoc>({ method: 'GET', path: '/v1/history', request: NO_REQUEST }),
  diff: route<DiffQuery, DiffDoc>({ method: 'GET', path: '/v1/diff', request: { in: 'query', codec: diffQuery } }),
  discovery: route<DiscoveryQuery, DiscoveryDoc>({ method: 'GET', path: '/v1/discovery', public: true, request: { in: 'query', codec: discoveryQuery } }),
  /** The platform's own metrics in Prometheus' text format (a string). Public: Prometheus scrapes it, and it holds no secret. */
  metrics: route<void, string>({ method: 'GET', path: '/v1/metrics', public: true, request: NO_REQUEST }),
  /** Prometheus http_sd: every ready replica and the platform, labelled service, replica, version. */
  prometheusTargets: route<void, readonly HttpSdGroup[]>({ method: 'GET', path: '/v1/prometheus/targets', public: true, request: NO_REQUEST }),
  top: route<TopQuery, TopDoc>({ method: 'GET', path: '/v1/top', request: { in: 'query', codec: topQuery } }),
  metricsRange: route<RangeQuery, RangeDoc>({ method: 'GET', path: '/v1/metrics/range', request: { in: 'query', codec: rangeQuery } }),
  dashboardLogin: route<void, DashboardLoginAnswer>({ method: 'POST', path: '/v1/dashboard/login', request: NO_REQUEST }),
  /** `bricks secret set` changed the store: bring new values to the services that use them. Progress, then the result. */
  secretsReload: route<void, never, OperationLine>({ method: 'POST', path: '/v1/secrets/reload', request: NO_REQUEST }),
  identityDiscovery: route<void, IdentityDiscoveryDoc>({ method: 'GET', path: '/v1/identity/.well-known/openid-configuration', public: true, request: NO_REQUEST }),
  identityKeys: route<void, JwksDoc>({ method: 'GET', path: '/v1/identity/jwks', public: true, request: NO_REQUEST }),
  /** A user token for local development (x-bricks.auth.issuer: local); behind the API token like every command. */
  identityToken: route<TokenRequest, TokenAnswer>({ method: 'POST', path: '/v1/identity/token', request: JSON_BODY }),
  /**
   * OTLP/HTTP (JSON) span export: replicas' OTEL_EXPORTER_OTLP_ENDPOINT is the API's address, and
   * exporters post to `<endpoint>/v1/traces`. Public: replicas hold no token; spans are kept bounded.
   */
  otlpTraces: route<OtlpBody, OtlpExportAnswer>({ method: 'POST', path: '/v1/traces', public: true, request: JSON_BODY }),
  traces: route<TracesQuery, TracesDoc>({ method: 'GET', path: '/v1/traces', request: { in: 'query', codec: tracesQuery } }),
  trace: route<TraceQuery, TraceDoc>({ method: 'GET', path: '/v1/trace', request: { in: 'query', codec: traceQuery } }),
} as const satisfies Readonly<Record<string, RouteSpec<unknown, unknown, unknown>>>;

/** An OTLP export request as JSON, read by telemetry/traces/otlp-json.ts. */
export type OtlpBody = { readonly resourceSpans: readonly unknown[] };

export type RouteName = keyof typeof API;
type TypesOf<K extends RouteName> = NonNullable<(typeof API)[K]['types']>;
export type RequestOf<K extends RouteName> = TypesOf<K>['request'];
/** The JSON document the route answers with; `never` for a route that only streams. */
export type JsonOf<K extends RouteName> = TypesOf<K>['json'];
/** One line of the route's NDJSON stream; `never` for a route that does not stream. */
export type LineOf<K extends RouteName> = TypesOf<K>['line'];
