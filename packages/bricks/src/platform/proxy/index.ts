// The service proxy: one listener per service address, balancing HTTP/1.1 requests and HTTP/2
// streams over the service's ready endpoints, retrying what is safe to retry, and draining.
export { startServiceProxy, defaultMaxWaiting, defaultWaitForEndpointMs } from './service-proxy.ts';
export { startTcpProxy } from './tcp-proxy.ts';
export type { ProxyLoad } from './load-meter.ts';
export type { HistogramData, RequestSeries } from './request-metrics.ts';
export type { Endpoint, ServiceProxy, ServiceProxyOptions, ProxyStats, ProxyEvent, Protocol } from './types.ts';
export { ProxyError } from './errors.ts';
export type { ProxyErrorCode } from './errors.ts';
