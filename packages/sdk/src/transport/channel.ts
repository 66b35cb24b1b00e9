// A channel carries unary calls to one endpoint (or, in-process, to a local dispatcher).
// Each protocol is one implementation of this interface; the client's pipeline above it
// (deadlines, retries, breaker, balancing, telemetry) is the same for all of them.
import type { DescMethodUnary, DescMessage, MessageShape } from '@bufbuild/protobuf';

/** The wire protocols a client can speak to an SDK endpoint. */
export type Protocol = 'fast' | 'connect' | 'grpc' | 'grpc-web';

export interface UnaryRequest<I extends DescMessage = DescMessage, O extends DescMessage = DescMessage> {
  readonly method: DescMethodUnary<I, O>;
  readonly input: MessageShape<I>;
  /** Remaining budget; the channel sends it as the wire deadline (grpc-timeout, connect-timeout-ms, fast deadline). */
  readonly timeoutMs: number;
  /** Aborts at the deadline and on cancellation. */
  readonly signal: AbortSignal;
  readonly headers: Headers;
}

export interface UnaryResult<O extends DescMessage = DescMessage> {
  readonly output: MessageShape<O>;
  readonly headers: Headers;
}

export interface Channel {
  unary<I extends DescMessage, O extends DescMessage>(req: UnaryRequest<I, O>): Promise<UnaryResult<O>>;
  close(): void;
}

/** `/package.Service/Method`, the path every protocol addresses a method by. */
export function methodPath(method: DescMethodUnary): string {
  return `/${method.parent.typeName}/${method.name}`;
}
