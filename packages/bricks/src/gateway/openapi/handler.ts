// GET /openapi.json: the document the gateway program serves beside its routes, serialized
// once when the program starts (the rules do not change while it runs).
import { statusResponse, type HttpResponseParts } from '../response.ts';
import type { OpenApiDocument } from './types.ts';

export const OPENAPI_PATH = '/openapi.json';

/** Answers a request for OPENAPI_PATH by its method: GET and HEAD get the document, others a 405. */
export function openApiHandler(document: OpenApiDocument): (method: string) => HttpResponseParts {
  const body = JSON.stringify(document);
  return (method) => {
    if (method === 'GET' || method === 'HEAD') return { status: 200, contentType: 'application/json', body: method === 'HEAD' ? '' : body, headers: { 'cache-control': 'no-cache' } };
    return statusResponse(405, 'unimplemented', `${OPENAPI_PATH} takes GET, HEAD, not ${method}`, { allow: 'GET, HEAD' });
  };
}
