// A service's effective x-bricks.auth: the top level's issuer, audience, algorithms and clock
// skew, overridden key by key by the service's own, with the service's rules. One reading for
// the local daemon and the engine targets alike.
import { encodeAuth } from '@bricks/sdk/auth';
import type { AuthSpec, Service, Stack } from './model.ts';

export function effectiveAuth(stack: Stack, service: Service): AuthSpec | undefined {
  const top = stack.bricks.auth;
  const own = service.bricks.auth;
  if (top === undefined && own === undefined) return undefined;
  // Rules are per service (the loader refuses them at the top level).
  const { methods: _ignored, ...shared } = top ?? {};
  return { ...shared, ...own };
}

/** BRICKS_AUTH's value. */
export function encodedAuth(spec: AuthSpec): string {
  return encodeAuth(spec);
}
