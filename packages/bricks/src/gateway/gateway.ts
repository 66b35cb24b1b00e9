// The gateway's core, free of sockets: routes an HTTP request by the services' rules,
// transcodes it, calls the method through an SDK client (deadlines, retries, balancing come
// with it) and transcodes the answer or the failure back. http-listener.ts puts it on a port.
import type { DescMethod, DescService, Message } from '@bufbuild/protobuf';
import { client, type CallOptions, type ClientOptions } from '@bricks/sdk';
import { transcodeRequest } from './request.ts';
import { errorResponse, statusResponse, transcodeResponse, type HttpResponseParts } from './response.ts';
import { routerOf, ruleFromOptions, type RuleSource } from './rules.ts';

export interface GatewayOptions {
  readonly services: readonly DescService[];
  /** How each service's client reaches it. Default: by its name in the stack, as any SDK client. */
  readonly clientOptions?: (service: DescService) => ClientOptions;
  /** Default: each method's google.api.http option. */
  readonly ruleOf?: RuleSource;
}

export interface GatewayRequest {
  readonly method: string;
  /** The request target: path and query, still percent-encoded. */
  readonly url: string;
  readonly contentType: string | null;
  readonly body: Uint8Array;
  /**
   * Request metadata for the RPC call, already chosen by the edge: only what a policy lets
   * through (the caller's own credential, allow-listed headers) ever reaches a service.
   */
  readonly metadata?: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
}

export interface Gateway {
  handle(req: GatewayRequest): Promise<HttpResponseParts>;
}

type UnaryCall = (request: Message, options?: CallOptions) => Promise<Message>;

/** Reads and checks every rule now: a bad or conflicting one throws here, at start. */
export function createGateway(opts: GatewayOptions): Gateway {
  const router = routerOf(opts.services, opts.ruleOf ?? ruleFromOptions);
  const calls = new Map<DescMethod, UnaryCall>();
  for (const service of opts.services) {
    // The SDK's typed client, used by method name: the descriptor is all the gateway knows.
    const c = client(service, opts.clientOptions?.(service) ?? {}) as unknown as Record<string, UnaryCall>;
    for (const method of service.methods) {
      const call = c[method.localName];
      if (call !== undefined) calls.set(method, call);
    }
  }
  return {
    async handle(req) {
      const q = req.url.indexOf('?');
      const path = q < 0 ? req.url : req.url.slice(0, q);
      const query = new URLSearchParams(q < 0 ? '' : req.url.slice(q + 1));
      try {
        const m = router.match(req.method, path);
        switch (m.kind) {
          case 'not-found':
            return statusResponse(404, 'not_found', `no route for ${req.method} ${path}`);
          case 'method-not-allowed':
            return statusResponse(405, 'unimplemented', `${path} takes ${m.allowed.join(', ')}, not ${req.method}`, { allow: m.allowed.join(', ') });
          case 'matched': {
            const binding = m.value;
            const request = transcodeRequest(binding, m.variables, { query, contentType: req.contentType, body: req.body });
            const call = calls.get(binding.method);
            if (call === undefined) return statusResponse(501, 'unimplemented', `${binding.where} has no client method`);
            const options: CallOptions = {
              ...(req.signal === undefined ? {} : { signal: req.signal }),
              ...(req.metadata === undefined ? {} : { headers: req.metadata }),
            };
            const answer = await call(request, options);
            return transcodeResponse(binding, answer);
          }
          default: {
            const never: never = m;
            return never;
          }
        }
      } catch (err) {
        return errorResponse(err);
      }
    },
  };
}
