// The edge gateway: REST/JSON transcoded to RPC calls by the protos' google.api.http rules.
// proto/ holds bricks' google.api contracts and the test contract; `bricks gen` in this folder
// regenerates gen/ (codegen/generate.test.ts checks the committed code matches).
export { createGateway } from './gateway.ts';
export type { Gateway, GatewayOptions, GatewayRequest } from './gateway.ts';
export { nodeHandler } from './http-listener.ts';
export type { NodeHandlerOptions } from './http-listener.ts';
export { servicesFromDescriptorSet } from './descriptor-set.ts';
export { GatewayError } from './errors.ts';
export type { GatewayErrorCode } from './errors.ts';
export { openApiDocument } from './openapi/document.ts';
export type { OpenApiOptions } from './openapi/document.ts';
export type { OpenApiDocument } from './openapi/types.ts';
export { openApiHandler, OPENAPI_PATH } from './openapi/handler.ts';

// The gateway program (program/main.ts): what a service with x-bricks.gateway runs.
export { runGateway } from './program/run.ts';
export { encodeGatewayConfig, gatewayConfigSchema, parseGatewayConfig } from './program/config.ts';
export type { GatewayConfig } from './program/config.ts';
export { edgeHandler as programHandler } from './program/edge-hook.ts';
export { gatewayProgramArgv, GATEWAY_PROGRAM_FILE } from './program/location.ts';

// For the gateway program, OpenAPI generation and tests.
export { bindingsOf, routerOf, ruleFromOptions } from './rules.ts';
export type { Binding, BodySelector, PathField, RuleSource } from './rules.ts';
export { parseTemplate } from './template.ts';
export type { PathTemplate, Segment, Variable } from './template.ts';
export { Router } from './router.ts';
export type { RouteMatch, BoundVariable } from './router.ts';
export { transcodeRequest } from './request.ts';
export type { HttpRequestParts } from './request.ts';
export { transcodeResponse, errorResponse } from './response.ts';
export type { HttpResponseParts, StatusJson } from './response.ts';
export { httpStatusOf } from './status.ts';
export { http as httpRule } from './gen/google/api/annotations_pb.ts';
export { HttpRuleSchema } from './gen/google/api/http_pb.ts';
export type { HttpRule } from './gen/google/api/http_pb.ts';
export { HttpBodySchema } from './gen/google/api/httpbody_pb.ts';
export type { HttpBody } from './gen/google/api/httpbody_pb.ts';

// Edge policies: authentication, CORS, body limits, rate limits, request ids, the header
// allow-list, access logs, metrics and spans per route, and TLS (edge/).
export { edgeHandler } from './edge/edge-handler.ts';
export type { EdgeDeps, AccessLogger, AccessLogLine } from './edge/edge-handler.ts';
export { edgePoliciesSchema, parseEdgePolicies } from './edge/config.ts';
export type { EdgePolicies, RoutePolicySpec } from './edge/config.ts';
export { listen } from './edge/listen.ts';
export type { ListenOptions, Listening } from './edge/listen.ts';
export { EdgeError } from './edge/errors.ts';
export type { EdgeErrorCode } from './edge/errors.ts';
export { EDGE_REQUESTS, EDGE_DURATION } from './edge/metrics.ts';
