// What a handler may read of the call it serves: the public face of the SDK's CallScope.
import type { Context as OtelContext } from '@opentelemetry/api';
import type { Identity } from '../auth/identity.ts';

export interface CallContext {
  /** Absolute deadline, epoch milliseconds. Every call has one. */
  readonly deadline: number;
  /** Aborts when the caller cancels or the deadline passes. */
  readonly signal: AbortSignal;
  /** The OpenTelemetry context of the server span, parent of spans for downstream calls. */
  readonly otel: OtelContext;
  /** `package.Service/Method` being served. */
  readonly method: string;
  /** The caller: a verified user and/or service, never what a header merely claims. */
  readonly identity: Identity;
}
