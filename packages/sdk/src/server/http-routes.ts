// The plain HTTP endpoints every replica answers beside its RPCs, on the same port:
// GET /healthz (live), GET /readyz (ready to take traffic), GET /metrics (Prometheus).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Http2ServerRequest, Http2ServerResponse } from 'node:http2';
import { METRICS_CONTENT_TYPE, metricsText } from '../telemetry/metrics.ts';

type Req = IncomingMessage | Http2ServerRequest;
type Res = ServerResponse | Http2ServerResponse;

/** Answers the request if it is one of ours; false when it should go to the RPC router. */
export function serveHttpRoute(req: Req, res: Res, state: { ready: () => boolean }): boolean {
  if (req.method !== 'GET') return false;
  const path = (req.url ?? '').split('?')[0] ?? '';
  switch (path) {
    case '/healthz':
      send(res, 200, 'text/plain', 'ok\n');
      return true;
    case '/readyz': {
      const ready = state.ready();
      send(res, ready ? 200 : 503, 'text/plain', ready ? 'ready\n' : 'not ready\n');
      return true;
    }
    case '/metrics':
      metricsText().then(
        (text) => send(res, 200, METRICS_CONTENT_TYPE, text),
        () => send(res, 500, 'text/plain', 'metrics failed\n'),
      );
      return true;
    default:
      return false;
  }
}

function send(res: Res, status: number, type: string, body: string): void {
  (res as ServerResponse).writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  (res as ServerResponse).end(body);
}
