// The load of a service as PromQL, from the SDK's server histogram (metric-names.ts): what an
// engine's autoscaler reads where bricks' own does not run (KEDA's Prometheus trigger). Both are
// totals over the service's replicas; the scaler divides by its replicas (AverageValue).
import { RPC_SERVER_DURATION } from '@bricks/sdk/metric-names';
import { SCRAPE_LABELS } from './scrape-labels.ts';

function selector(stack: string, service: string): string {
  return `{${SCRAPE_LABELS.stack}=${JSON.stringify(stack)},${SCRAPE_LABELS.service}=${JSON.stringify(service)}}`;
}

/**
 * Requests in flight, by Little's law: L = λ·W, and the rate of the histogram's `_sum` (seconds
 * spent serving, per second) is exactly λ·W averaged over the window. No gauge needed, and a
 * scrape missed inside the window costs nothing.
 */
export function concurrencyQuery(stack: string, service: string, window: string): string {
  return `sum(rate(${RPC_SERVER_DURATION}_sum${selector(stack, service)}[${window}]))`;
}

/** Requests per second: the rate of the histogram's `_count`, the SDK's call counter. */
export function rpsQuery(stack: string, service: string, window: string): string {
  return `sum(rate(${RPC_SERVER_DURATION}_count${selector(stack, service)}[${window}]))`;
}
