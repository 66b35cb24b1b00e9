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
