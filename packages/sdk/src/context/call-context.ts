// The context of the call a handler is serving, kept in AsyncLocalStorage so that calls made
// inside the handler inherit its deadline, cancellation and trace without passing them by hand.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context as OtelContext } from '@opentelemetry/api';
import type { CallScope } from './call-scope.ts';

export interface CallContext {
  /** Absolute deadline, epoch milliseconds. Every call has one. */
  readonly deadline: number;
  /** Aborts when the caller cancels or the deadline passes. */
  readonly signal: AbortSignal;
  /** The OpenTelemetry context of the server span, parent of spans for downstream calls. */
  readonly otel: OtelContext;
  /** `package.Service/Method` being served. */
  readonly method: string;
}

const storage = new AsyncLocalStorage<CallScope>();

/** The call being served on this async path, if any. */
export function currentCall(): CallContext | undefined {
  return storage.getStore();
}

/** The same, with what the SDK itself reads (span ids, lazy cancellation). */
export function currentScope(): CallScope | undefined {
  return storage.getStore();
}

export function runInCall<T>(scope: CallScope, fn: () => T): T {
  return storage.run(scope, fn);
}
