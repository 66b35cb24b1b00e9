// The client side: typed clients found by service name.
export { client, closeClients, defaultTargetName } from './client.ts';
export type { Client, ClientOptions, CallOptions, HeadersLike } from './client.ts';
