// Where the edge policies (gateway/edge/) wrap the gateway: the program hands x-bricks.gateway's
// policies to the edge, which checks them against the routes and applies them; the OpenAPI
// document of the same services is served beside the routes at /openapi.json.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DescService } from '@bufbuild/protobuf';
import { edgeHandler as edge } from '../edge/edge-handler.ts';
import { parseEdgePolicies } from '../edge/config.ts';
import type { Gateway } from '../gateway.ts';
import { openApiDocument } from '../openapi/document.ts';
import { OPENAPI_PATH, openApiHandler } from '../openapi/handler.ts';

export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

const WHERE = 'x-bricks.gateway.policies';

/**
 * `policies` is x-bricks.gateway.policies as written (or undefined: the edge's defaults, which
 * pass the caller's own credential on and nothing else it did not allow). A bad policy throws here,
 * at start, naming its key.
 */
export function edgeHandler(gateway: Gateway, services: readonly DescService[], policies: unknown): RequestListener {
  // The program's server answers /metrics itself (with the edge's series, one registry).
  const listener = edge(gateway, parseEdgePolicies(policies, WHERE), { services, metricsPath: null, where: WHERE });
  const openApi = openApiHandler(openApiDocument(services));
  return (req, res) => {
    if ((req.url ?? '/').split('?', 1)[0] !== OPENAPI_PATH) {
      listener(req, res);
      return;
    }
    req.resume();
    const answer = openApi(req.method ?? 'GET');
    res.writeHead(answer.status, { 'content-type': answer.contentType, ...answer.headers });
    res.end(answer.body);
  };
}
