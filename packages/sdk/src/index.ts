// @bricks/sdk: what a bricks service imports. Serve typed services, call others by name with
// deadlines, retries, breakers and balancing built in; config, logs, metrics and traces.
export { serve, implement } from './server/index.ts';
export type {
  ServeOptions,
  Server,
  HandlerContext,
  UnaryHandler,
  ServerStreamingHandler,
  ClientStreamingHandler,
  BiDiStreamingHandler,
  ServiceHandlers,
  ServiceImplementation,
} from './server/index.ts';
export { callKey } from './interceptors/index.ts';
export type { Interceptor, Next, Call, UnaryCall, StreamCall, Reply, UnaryReply, StreamReply, CallKey, CallValues } from './interceptors/index.ts';
export { client } from './client/index.ts';
export type { Client, ClientOptions, CallOptions, HeadersLike } from './client/index.ts';
export { BricksError } from './errors/index.ts';
export type { ErrorCode } from './errors/index.ts';
export { config, ConfigError, duration, secret, secretPath } from './config/index.ts';
export { logger, createLogger } from './telemetry/index.ts';
export type { Logger } from './telemetry/index.ts';
export { currentCall } from './context/index.ts';
export { inRequestSpan } from './server/request-span.ts';
export type { RequestSpan, RequestSpanOptions } from './server/request-span.ts';
export { startTracing, stopTracing, tracesEndpoint } from './tracing/export.ts';
export type { CallContext } from './context/index.ts';
export type { Identity, UserIdentity, ServiceIdentity } from './auth/identity.ts';

// For platform code, tools and tests.
export { closeClients, defaultTargetName } from './client/index.ts';
export { codes, codeToGrpc, codeFromGrpc } from './errors/index.ts';
export { readPlatformEnv, serviceUrlVariable, parseDuration } from './config/index.ts';
export type { PlatformEnv, ConfigIssue } from './config/index.ts';
export { resilienceSchema, parseResilience, resolvePolicy, defaultPolicy } from './resilience/index.ts';
export type { ResilienceSpec, Policy } from './resilience/index.ts';
export { authSchema, parseAuth, encodeAuth, AUTHORIZATION_HEADER, IDENTITY_HEADER, WWW_AUTHENTICATE_HEADER, IDENTITY_TOKEN_TYPE } from './auth/index.ts';
export type { AuthSpec, MethodRule } from './auth/index.ts';
// The verification the SDK's servers use, for the platform's edge gateway to check users' tokens the same way.
export { bearerToken, ASYMMETRIC_ALGORITHMS, DEFAULT_ALGORITHMS, DEFAULT_CLOCK_SKEW_MS } from './auth/index.ts';
export { TokenVerifier, TokenRejected, IssuerUnreachable } from './auth/verifier.ts';
export type { VerifierOptions } from './auth/verifier.ts';
export { discoveredKeys } from './auth/key-source.ts';
export type { KeySource, DiscoveryOptions } from './auth/key-source.ts';
export { rpcMetrics, metricsText, METRICS_CONTENT_TYPE, parseTraceparent, formatTraceparent } from './telemetry/index.ts';
export { closeDiscovery } from './discovery/resolve.ts';
export { noticeReady } from './server/ready-notice.ts';
export type { Endpoint } from './discovery/index.ts';
export type { Protocol } from './transport/channel.ts';
