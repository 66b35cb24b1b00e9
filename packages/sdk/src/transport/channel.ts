// A channel carries calls, unary and streaming, to one endpoint. Each protocol is one implementation of this
// interface; the client's pipeline above it (deadlines, retries, breaker, balancing,
// telemetry) is the same for all of them. Headers are plain records with lowercase names
// inside the SDK; `Headers` objects are made only at the edges that need them.
import type { DescMethod, DescMethodUnary, DescMessage, MessageShape } from '@bufbuild/protobuf';

/** The wire protocols a client can speak to an SDK endpoint. */
export type Protocol = 'fast' | 'connect' | 'grpc' | 'grpc-web';

export interface UnaryRequest<I extends DescMessage = DescMessage, O extends DescMessage = DescMessage> {
  readonly method: DescMethodUnary<I, O>;
  /** `/package.Service/Method`. */
  readonly path: string;
  readonly input: MessageShape<I>;
  /** Remaining budget; the channel sends it as the wire deadline (grpc-timeout, connect-timeout-ms, fast deadline) and enforces it. */
  readonly timeoutMs: number;
  /** Aborts on cancellation; undefined when nothing but the deadline can end the call. */
  readonly signal: AbortSignal | undefined;
  readonly headers: Readonly<Record<string, string>>;
}

export interface UnaryResult<O extends DescMessage = DescMessage> {
  readonly output: MessageShape<O>;
  /** Response headers, lowercase names; undefined when there were none to report. */
  readonly headers: Readonly<Record<string, string>> | undefined;
}

export interface StreamRequest {
  readonly method: DescMethod;
  readonly path: string;
  /** The caller's messages (one for a server-streaming method); read as the peer's window allows. */
  readonly input: AsyncIterable<MessageShape<DescMessage>>;
  readonly timeoutMs: number;
  readonly signal: AbortSignal | undefined;
  readonly headers: Readonly<Record<string, string>>;
}

export interface StreamResult {
  /** The response headers (the result is there once they arrived). */
  readonly headers: Readonly<Record<string, string>>;
  /** The peer's messages; throws a BricksError when the call fails. Returning it early cancels the call. */
  readonly output: AsyncIterable<MessageShape<DescMessage>>;
  /** The trailers, once the output has ended. */
  trailers(): Readonly<Record<string, string>> | undefined;
}

export interface Channel {
  unary<I extends DescMessage, O extends DescMessage>(req: UnaryRequest<I, O>): Promise<UnaryResult<O>>;
  stream(req: StreamRequest): Promise<StreamResult>;
  close(): void;
}

/** `/package.Service/Method`, the path every protocol addresses a method by. */
export function methodPath(method: DescMethod): string {
  return `/${method.parent.typeName}/${method.name}`;
}
