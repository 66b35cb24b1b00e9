// What the control API's routes need of the platform, as narrow ports: the daemon hands in its
// supervisor, event bus, log store and deployer (or adapters of them), and the routes know no
// more of them than this.
import type { Stack } from '../../stack/model.ts';
import type { LogFilter } from '../telemetry/log-filter.ts';
import type { Usage } from '../telemetry/usage.ts';
import type { DashboardLoginAnswer, RangeDoc, DeployProgress, DeployResult, DiffDoc, DiscoveryDoc, HistoryDoc, HttpSdGroup, IdentityDiscoveryDoc, JwksDoc, LogLine, ServiceStatus, TokenAnswer, TokenRequest, TopDoc, OtlpExportAnswer, TraceDoc, TracesDoc, TracesQuery } from './contract/index.ts';

/** The running services: met by the supervisor. */
export interface ServicesPort {
  /** The stack of the desired state. */
  readonly stack: Stack;
  status(): readonly ServiceStatus[];
  setScale(service: string, replicas: number): void;
  /** A rolling restart of every replica. */
  restart(service: string): void;
  discovery(): DiscoveryDoc;
  /** Resolves when the discovery version differs from `version`, or after `timeoutMs`. */
  waitForDiscovery(version: number, timeoutMs: number): Promise<void>;
}

export interface Subscribable<T> {
  subscribe(listener: (value: T) => void): () => void;
}

/** Events with their recent past: met by the daemon's event bus. */
export interface EventFeed<T> extends Subscribable<T> {
  history(): readonly T[];
}

/** Replicas' output: met by the log store. */
export interface LogsPort {
  /** The last `tail` lines that match (negative: all), in time order. */
  query(filter: LogFilter, tail: number): readonly LogLine[];
  readonly live: Subscribable<LogLine>;
}

/**
 * Releases: met by the daemon's adapter of its deployer. Requests that cannot be served throw
 * ApiErrors; a failing deploy or rollback rejects with its layer's error, whose code its error
 * line carries.
 */
export interface ReleasesPort {
  deploy(progress: (p: DeployProgress) => void): Promise<DeployResult>;
  rollback(ref: string, progress: (p: DeployProgress) => void): Promise<DeployResult>;
  /** Throws when there are no releases, so that a rollback refuses before its stream starts. */
  requireReleases(): void;
  history(): Promise<HistoryDoc>;
  diff(a: string, b: string): Promise<DiffDoc>;
  /** Reads the stack's secrets again and brings new values to the services that use them. */
  reloadSecrets(progress: (p: DeployProgress) => void): Promise<DeployResult>;
}

/** The daemon's identity issuer: its discovery document and keys (met by secrets/identity-issuer.ts). */
export interface IdentityPort {
  readonly discovery: IdentityDiscoveryDoc;
  readonly jwks: JwksDoc;
  /** A development user token (x-bricks.auth.issuer: local). */
  userToken(req: TokenRequest): Promise<TokenAnswer>;
}

/** CPU and memory of replica process groups, by leader pid. */
export type UsageReader = (leaders: readonly number[]) => Promise<ReadonlyMap<number, Usage>>;

/** Metrics: met by the daemon's Metrics (telemetry/metrics.ts). */
export interface MetricsPort {
  /** The platform's own metrics in the text exposition format. */
  text(): string;
  targets(): readonly HttpSdGroup[];
  top(windowMs: number): Promise<TopDoc>;
  /** Per-service lines over a window, for charts. */
  range(windowMs: number, stepMs: number): RangeDoc;
}

/** The dashboard: met by src/dashboard's Dashboard. */
export interface DashboardPort {
  loginUrl(): DashboardLoginAnswer;
}

/** The trace store: met by telemetry/traces. */
export interface TracesPort {
  /** An OTLP export request's body; answers what was not kept. */
  ingest(body: unknown): OtlpExportAnswer;
  list(query: TracesQuery): TracesDoc;
  get(traceId: string): TraceDoc | undefined;
}
