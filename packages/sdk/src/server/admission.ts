// Runs a handler once its guard has let the call in: at once when the caller's tokens were
// verified before, else after they are. The verified identity goes on the call's scope, where
// the handler (ctx.identity) and currentCall() find it.
import type { Guard, Transport } from '../auth/guard.ts';
import type { CallScope } from '../context/call-scope.ts';
import { runInCall, type HandlerShape } from '../context/call-context.ts';

export function admitted<I, T>(
  guard: Guard,
  arrival: { readonly headers: Readonly<Record<string, string>>; readonly transport: Transport },
  scope: CallScope,
  handler: (input: I, scope: CallScope) => T,
  input: I,
  shape: HandlerShape,
): T | Promise<Awaited<T>> {
  const identity = guard.check(arrival.headers, arrival.transport);
  if (!(identity instanceof Promise)) {
    scope.identity = identity;
    return runInCall(scope, handler, input, shape);
  }
  return identity.then((id) => {
    scope.identity = id;
    return runInCall(scope, handler, input, shape);
  }) as Promise<Awaited<T>>;
}

/**
 * A stream's admission: undefined when its caller is let in at once (the identity is on the
 * scope), else a promise that settles once the check does, rejecting with its refusal. The
 * stream waits for it before the handler (or an interceptor) runs.
 */
export function admission(
  guard: Guard,
  arrival: { readonly headers: Readonly<Record<string, string>>; readonly transport: Transport },
  scope: CallScope,
): Promise<void> | undefined {
  let identity: ReturnType<Guard['check']>;
  try {
    identity = guard.check(arrival.headers, arrival.transport);
  } catch (e) {
    return Promise.reject(e instanceof Error ? e : new Error(String(e)));
  }
  if (!(identity instanceof Promise)) {
    scope.identity = identity;
    return undefined;
  }
  return identity.then((id) => {
    scope.identity = id;
  });
}
