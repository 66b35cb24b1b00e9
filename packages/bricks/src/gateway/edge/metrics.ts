// The edge's metrics per route, on prom-client's default registry, which the SDK's metricsText()
// (what GET /metrics serves) includes: a counter of requests and a latency histogram, labelled as
// OpenTelemetry's HTTP server conventions spell them for Prometheus. The route label is the rule's
// template (`GET /v1/games/{id}`) or `unmatched`, never the path: its values are bounded.
import { Counter, Histogram, register } from 'prom-client';

export const EDGE_REQUESTS = 'bricks_gateway_requests_total';
export const EDGE_DURATION = 'http_server_request_duration_seconds';

const LABELS = ['http_route', 'http_request_method', 'http_response_status_code'] as const;
type Label = (typeof LABELS)[number];

// Seconds, 1 ms to 10 s: a transcoded call takes milliseconds, and the SDK's default deadline is 5 s.
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export interface EdgeMetrics {
  observe(route: string, method: string, status: number, seconds: number): void;
}

let made: EdgeMetrics | undefined;

/** One set per process: every edge in it counts into the same series (the registry refuses a second). */
export function edgeMetrics(): EdgeMetrics {
  if (made !== undefined) return made;
  const requests = new Counter<Label>({ name: EDGE_REQUESTS, help: 'HTTP requests the gateway answered, by route, method and status.', labelNames: LABELS, registers: [register] });
  const duration = new Histogram<Label>({ name: EDGE_DURATION, help: 'Time from a request arriving at the gateway to its answer, by route, method and status.', labelNames: LABELS, buckets: BUCKETS, registers: [register] });
  made = {
    observe(route, method, status, seconds) {
      const labels = { http_route: route, http_request_method: method, http_response_status_code: String(status) };
      requests.inc(labels);
      duration.observe(labels, seconds);
    },
  };
  return made;
}
