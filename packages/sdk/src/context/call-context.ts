// The context of the call a handler is serving, found by calls made inside the handler so they
// inherit its deadline, cancellation and trace without passing them by hand.
//
// Two places hold it. While a handler runs synchronously, a plain variable does (`syncScope`).
// Across its awaits only AsyncLocalStorage can, and on Node 20 that costs every promise in the
// process a promise hook, whether it belongs to a call or not: enabling it alone halves the rate
// of a bare `await fn()` here. So the storage is used only where it is needed: a route's first
// call runs in it, and a route whose handler turns out to return a value (not a promise) runs
// in the variable from then on. While no handler of the process has returned a promise and none
// is running its first call, the storage is disabled and promises cost nothing extra.
// A synchronous handler's call ends when it returns: a promise chain it leaves running is not
// part of the call (its span and deadline are over) and does not find it.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { CallContext } from './call.ts';
import type { CallScope } from './call-scope.ts';

export type { CallContext } from './call.ts';

/** What a route's handler turned out to be, learned from its first call that returned. */
export interface HandlerShape {
  /** undefined until known; true once it returned a promise (it then always runs in the storage). */
  async: boolean | undefined;
}

const storage = new AsyncLocalStorage<CallScope>();
/** The call whose handler is running synchronously right now, when it runs outside the storage. */
let syncScope: CallScope | undefined;
/** Routes whose handler returned a promise: while there is one, the storage stays enabled. */
let asyncShapes = 0;
/** First calls running in the storage on the stack right now. */
let learning = 0;

/** The call being served on this async path, if any. */
export function currentCall(): CallContext | undefined {
  return currentScope();
}

/** The same, with what the SDK itself reads (span ids, lazy cancellation). */
export function currentScope(): CallScope | undefined {
  return syncScope ?? storage.getStore();
}

/** Runs `handler(input, scope)` as the call `scope`, in the storage when its shape asks for it. */
export function runInCall<I, T>(scope: CallScope, handler: (input: I, scope: CallScope) => T, input: I, shape: HandlerShape): T {
  const outer = syncScope;
  if (shape.async === false) {
    syncScope = scope;
    try {
      return handler(input, scope);
    } finally {
      syncScope = outer;
    }
  }
  // Inside the storage's run, a nested synchronous handler sets the variable again for itself.
  syncScope = undefined;
  if (shape.async === true) {
    try {
      return storage.run(scope, handler, input, scope);
    } finally {
      syncScope = outer;
    }
  }
  learning++;
  let result: T;
  try {
    result = storage.run(scope, handler, input, scope);
  } finally {
    learning--;
    syncScope = outer;
  }
  learn(shape, isThenable(result));
  return result;
}

/**
 * A streaming (or intercepted) route's shape: its handler always runs in the storage, its body
 * running on every `next()`. It does not count as an async route: the storage is kept on only
 * while such calls run (`callStarted`/`callEnded`), so a service that merely has a streaming
 * method costs its unary calls nothing.
 */
export function streamingShape(): HandlerShape {
  return { async: true };
}

/** An intercepted unary route's shape: interceptors are async, so it is an async route from the start. */
export function asyncShape(): HandlerShape {
  asyncShapes++;
  return { async: true };
}

/** Calls in the storage that are not async routes' (streams): running now. */
let running = 0;

export function callStarted(): void {
  running++;
}

export function callEnded(): void {
  if (--running === 0 && asyncShapes === 0 && learning === 0) storage.disable();
}

/** Runs `fn` as the call `scope` in the storage: a stream handler's next step. */
export function resumeInCall<T>(scope: CallScope, fn: () => T): T {
  const outer = syncScope;
  syncScope = undefined;
  try {
    return storage.run(scope, fn);
  } finally {
    syncScope = outer;
  }
}

function learn(shape: HandlerShape, async: boolean): void {
  shape.async = async;
  if (async) asyncShapes++;
  // No handler needs the storage now: turn its promise hooks off (the next first call turns
  // them on again).
  else if (asyncShapes === 0 && learning === 0 && running === 0) storage.disable();
}

export function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}
