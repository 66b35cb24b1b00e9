// A free TCP port on 127.0.0.1 for a benchmark's own listener or published port: the platform's.
export { freePort } from '../../packages/bricks/src/platform/runtime/ports.ts';
