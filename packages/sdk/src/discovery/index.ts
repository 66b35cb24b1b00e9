// Discovery: the live endpoints of a target service, wherever the stack runs.
export { staticSource, EndpointList } from './endpoint-source.ts';
export type { Endpoint, EndpointSource } from './endpoint-source.ts';
export { PlatformDiscovery } from './platform.ts';
export type { PlatformDiscoveryOptions, DiscoveryDocument } from './platform.ts';
export { dnsSource } from './dns.ts';
export type { DnsSourceOptions } from './dns.ts';
export { resolveTarget } from './resolve.ts';
