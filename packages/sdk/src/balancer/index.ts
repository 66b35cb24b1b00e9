// Client-side load balancing.
export { Balancer } from './p2c.ts';
export type { BalancerOptions, EndpointState } from './p2c.ts';
