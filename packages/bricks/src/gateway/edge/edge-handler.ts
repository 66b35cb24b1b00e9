// The gateway on node:http with its edge policies around it, in this order: a request id; a CORS
// preflight answered here; the route (its rule, or `unmatched`) and its policy; the declared body
// length; the bearer token; the client's rate; the body, counted as it streams; then the RPC call
// inside a span of the route, with only the metadata the policy lets through. Every answer gets
// the request id and the route's CORS headers, one access-log line and its metrics.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DescService } from '@bufbuild/protobuf';
import { bearerToken, inRequestSpan, logger as sdkLogger, METRICS_CONTENT_TYPE, metricsText, WWW_AUTHENTICATE_HEADER, type KeySource, type RequestSpan } from '@bricks/sdk';
import type { Gateway } from '../gateway.ts';
import { statusResponse, type HttpResponseParts } from '../response.ts';
import { bindingsOf, routerOf, ruleFromOptions, type RuleSource } from '../rules.ts';
import { authenticator, type AuthOutcome } from './authenticate.ts';
import { declaredOver, readBody } from './body.ts';
import type { EdgePolicies } from './config.ts';
import { corsHeaders, preflightHeaders } from './cors.ts';
import { MAX_BUCKETS } from './defaults.ts';
import { metadataOf } from './metadata.ts';
import { edgeMetrics } from './metrics.ts';
import { REQUEST_ID_HEADER, requestIdOf } from './request-id.ts';
import { routePolicies, type RoutePolicy } from './route-policy.ts';
import { RateLimiter, retryAfterSeconds } from './token-bucket.ts';

/** One line per request; what pino's `info(object, message)` takes. */
export interface AccessLogger {
  info(line: AccessLogLine, message: string): void;
}

export interface AccessLogLine {
  readonly method: string;
  /** The route's rule (`GET /v1/games/{id}`), or `unmatched`. */
  readonly route: string;
  /** The path without its query (a query may carry what a log must not). */
  readonly path: string;
  readonly status: number;
  readonly duration_ms: number;
  readonly request_id: string;
  readonly bytes_in: number;
  readonly bytes_out: number;
  /** The remote address. */
  readonly client: string;
  /** The verified token's `sub`, when there was one. */
  readonly subject?: string;
}

export interface EdgeDeps {
  /** The services the gateway serves, with the rules it routes by (as given to createGateway). */
  readonly services: readonly DescService[];
  readonly ruleOf?: RuleSource;
  /** Default: the SDK's logger. */
  readonly logger?: AccessLogger;
  /** Epoch ms, for rate limits and token times. Default Date.now. */
  readonly now?: () => number;
  /** Keys of the token issuer. Default: found through its OIDC discovery document. */
  readonly userKeys?: KeySource;
  /** Where the edge serves the process's metrics (the SDK's exposition, these series included); null: nowhere. Default /metrics. */
  readonly metricsPath?: string | null;
  /** For messages naming the policies' keys. Default x-bricks.gateway. */
  readonly where?: string;
}

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/** Works out every route's policy now: a policy naming a route that does not exist throws EdgeError here. */
export function edgeHandler(gateway: Gateway, policies: EdgePolicies, deps: EdgeDeps): Listener {
  const ruleOf = deps.ruleOf ?? ruleFromOptions;
  const router = routerOf(deps.services, ruleOf);
  const { byRoute, unmatched } = routePolicies(policies, deps.services.flatMap((s) => bindingsOf(s, ruleOf)), deps.where);
  const now = deps.now ?? Date.now;
  const authenticate = authenticator(policies, { ...(deps.userKeys === undefined ? {} : { keys: deps.userKeys }), ...(deps.now === undefined ? {} : { now: deps.now }) });
  const limiter = new RateLimiter(MAX_BUCKETS);
  const log: AccessLogger = deps.logger ?? sdkLogger;
  const metrics = edgeMetrics();
  const metricsPath = deps.metricsPath === undefined ? '/metrics' : deps.metricsPath;

  const policyOf = (method: string, path: string): RoutePolicy => {
    const m = router.match(method, path);
    return m.kind === 'matched' ? (byRoute.get(m.value.label) ?? unmatched) : unmatched;
  };

  return (req, res) => {
    const started = performance.now();
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const requestId = requestIdOf(req.headers[REQUEST_ID_HEADER]);
    const origin = req.headers.origin;
    let bytesIn = 0;
    let subject: string | undefined;
    let policy = unmatched;

    const send = (answer: HttpResponseParts, extra: Record<string, string>, span?: RequestSpan): void => {
      const body = typeof answer.body === 'string' ? Buffer.from(answer.body) : answer.body;
      const headers: Record<string, string> = { 'content-type': answer.contentType, ...answer.headers, ...extra, [REQUEST_ID_HEADER]: requestId };
      if (answer.status === 204) delete headers['content-type'];
      res.writeHead(answer.status, headers);
      res.end(answer.status === 204 ? undefined : body);
      if (span !== undefined) {
        span.setAttribute('http.response.status_code', answer.status);
        if (answer.status >= 500) span.fail(`HTTP ${answer.status}`);
      }
      const seconds = (performance.now() - started) / 1000;
      metrics.observe(policy.route, method, answer.status, seconds);
      const line: AccessLogLine = {
        method,
        route: policy.route,
        path,
        status: answer.status,
        duration_ms: Math.round(seconds * 1e6) / 1000,
        request_id: requestId,
        bytes_in: bytesIn,
        bytes_out: answer.status === 204 ? 0 : body.length,
        client: req.socket.remoteAddress ?? '',
        ...(subject === undefined ? {} : { subject }),
      };
      log.info(line, 'request');
    };

    // A preflight is the edge's to answer, for the route the actual request will take.
    const preflightMethod = req.headers['access-control-request-method'];
    if (method === 'OPTIONS' && origin !== undefined && typeof preflightMethod === 'string') {
      policy = policyOf(preflightMethod, path);
      send({ status: 204, contentType: '', body: '' }, preflightHeaders(policy.cors, origin));
      return;
    }
    policy = policyOf(method, path);
    if (policy === unmatched && metricsPath !== null && method === 'GET' && path === metricsPath) {
      void metricsText().then(
        (text) => send({ status: 200, contentType: METRICS_CONTENT_TYPE, body: text }, {}),
        (e: unknown) => send(statusResponse(500, 'internal', `cannot collect the metrics: ${(e as Error).message}`), {}),
      );
      return;
    }
    const cors = corsHeaders(policy.cors, origin);
    // An answer given before the body is read closes the connection: node would otherwise read
    // (and throw away) whatever the client still sends, however much that is.
    const hasBody = req.headers['content-length'] !== undefined ? req.headers['content-length'] !== '0' : req.headers['transfer-encoding'] !== undefined;
    const early = hasBody ? { ...cors, connection: 'close' } : cors;

    const over = declaredOver(req, policy.bodyLimit);
    if (over !== undefined) {
      send(statusResponse(413, 'invalid_argument', `the request body is ${over} bytes; ${policy.route} takes at most ${policy.bodyLimit}`), early);
      return;
    }

    const traceHeaders: Record<string, string> = {};
    for (const h of ['traceparent', 'tracestate'] as const) {
      const v = req.headers[h];
      if (typeof v === 'string') traceHeaders[h] = v;
    }
    const name = policy.rpc === null ? `${method} ${policy.route}` : policy.route;
    const attributes = { 'http.request.method': method, 'http.route': policy.route, 'url.path': path, ...(policy.rpc === null ? {} : { 'rpc.method': policy.rpc }) };

    void inRequestSpan(name, { headers: traceHeaders, attributes }, async (span) => {
      const authorization = req.headers.authorization;
      const outcome: AuthOutcome =
        authenticate === undefined ? { kind: 'anonymous' } : await authenticate(typeof authorization === 'string' ? authorization : undefined, policy.auth);
      let token: string | undefined;
      switch (outcome.kind) {
        case 'refused': {
          const code = outcome.status === 401 ? 'unauthenticated' : outcome.status === 403 ? 'permission_denied' : 'unavailable';
          send(statusResponse(outcome.status, code, outcome.message), { ...early, ...(outcome.challenge === null ? {} : { [WWW_AUTHENTICATE_HEADER]: outcome.challenge }) }, span);
          return;
        }
        case 'user':
          subject = outcome.subject;
          token = outcome.token;
          break;
        case 'anonymous':
          // No issuer to verify with: a token sent goes on unread, for the service to verify.
          if (authenticate === undefined) token = bearerToken(typeof authorization === 'string' ? authorization : undefined) ?? undefined;
          break;
        default: {
          const never: never = outcome;
          return never;
        }
      }

      if (policy.rateLimit !== null) {
        // The verified subject where there is one (it is the same person from any address), else the address.
        const client = subject !== undefined ? `sub:${subject}` : `ip:${req.socket.remoteAddress ?? ''}`;
        const take = limiter.take(`${policy.route}\u0000${client}`, policy.rateLimit, now());
        if (!take.allowed) {
          const seconds = retryAfterSeconds(take.retryAfterMs);
          send(statusResponse(429, 'resource_exhausted', `too many requests to ${policy.route}; retry in ${seconds}s`), { ...early, 'retry-after': String(seconds) }, span);
          return;
        }
      }

      const read = await readBody(req, policy.bodyLimit);
      switch (read.kind) {
        case 'aborted':
          res.destroy();
          return;
        case 'too-large':
          bytesIn = read.bytes;
          send(statusResponse(413, 'invalid_argument', `the request body is over ${policy.bodyLimit} bytes, the most ${policy.route} takes`), { ...cors, connection: 'close' }, span);
          return;
        case 'read':
          bytesIn = read.body.length;
          break;
        default: {
          const never: never = read;
          return never;
        }
      }

      // Cancels the call when the client goes away before its answer.
      const aborted = new AbortController();
      res.on('close', () => {
        if (!res.writableFinished) aborted.abort();
      });
      const answer = await gateway.handle({
        method,
        url,
        contentType: req.headers['content-type'] ?? null,
        body: read.body,
        metadata: metadataOf(req.headers, policy.headers, requestId, token),
        signal: aborted.signal,
      });
      if (!res.destroyed) send(answer, cors, span);
    }).catch((err: unknown) => {
      if (res.headersSent) res.destroy(err instanceof Error ? err : new Error(String(err)));
      else send(statusResponse(500, 'internal', 'the gateway failed to answer'), cors);
    });
  };
}
