// What a service author writes: handlers for the methods of a generated service descriptor, in
// the four shapes of gRPC: a message or a stream of them in, a message or a stream of them out.
// Streams are async iterables both ways (an `async function*` answers a stream), as in connect-es.
import type {
  DescMessage,
  DescMethodBiDiStreaming,
  DescMethodClientStreaming,
  DescMethodServerStreaming,
  DescMethodUnary,
  DescService,
  MessageInitShape,
  MessageShape,
} from '@bufbuild/protobuf';
import type { CallValues } from '../context/call-values.ts';
import type { Identity } from '../auth/identity.ts';

/** What a handler knows about the call it serves. */
export interface HandlerContext {
  /** Aborts when the caller cancels or the deadline passes; pass it to anything slow. */
  readonly signal: AbortSignal;
  /** Absolute deadline (epoch ms). Calls made inside the handler inherit it on their own. */
  readonly deadline: number;
  readonly requestHeaders: Headers;
  /** Sent back with the response (a stream's: set them before its first message). */
  readonly responseHeaders: Headers;
  /** Sent after the response (gRPC trailers; Connect's unary calls send them as headers). */
  readonly responseTrailers: Headers;
  /** `package.Service/Method`. */
  readonly method: string;
  /** How the call arrived: `connect` covers Connect and gRPC-Web, `grpc` is gRPC over HTTP/2. */
  readonly transport: 'connect' | 'grpc' | 'fast' | 'in-process';
  /** Values that interceptors put on the call, by key. */
  readonly values: CallValues;
  /**
   * Who called, verified: `user` from a bearer token checked against x-bricks.auth's issuer,
   * `service` from the platform's identity token (or this process, for a co-located call).
   */
  readonly identity: Identity;
}

export type UnaryHandler<I extends DescMessage, O extends DescMessage> = (
  request: MessageShape<I>,
  ctx: HandlerContext,
) => Promise<MessageInitShape<O>> | MessageInitShape<O>;

export type ServerStreamingHandler<I extends DescMessage, O extends DescMessage> = (request: MessageShape<I>, ctx: HandlerContext) => AsyncIterable<MessageInitShape<O>>;

export type ClientStreamingHandler<I extends DescMessage, O extends DescMessage> = (
  requests: AsyncIterable<MessageShape<I>>,
  ctx: HandlerContext,
) => Promise<MessageInitShape<O>>;

export type BiDiStreamingHandler<I extends DescMessage, O extends DescMessage> = (
  requests: AsyncIterable<MessageShape<I>>,
  ctx: HandlerContext,
) => AsyncIterable<MessageInitShape<O>>;

/** Any handler, as the dispatcher holds it (it calls each by its method's kind). */
export type AnyHandler = (input: never, ctx: HandlerContext) => unknown;

/** Handlers for a service's methods, by their generated (lowerCamel) names. */
export type ServiceHandlers<S extends DescService> = {
  [K in keyof S['method']]: S['method'][K] extends DescMethodUnary<infer I, infer O>
    ? UnaryHandler<I, O>
    : S['method'][K] extends DescMethodServerStreaming<infer I, infer O>
      ? ServerStreamingHandler<I, O>
      : S['method'][K] extends DescMethodClientStreaming<infer I, infer O>
        ? ClientStreamingHandler<I, O>
        : S['method'][K] extends DescMethodBiDiStreaming<infer I, infer O>
          ? BiDiStreamingHandler<I, O>
          : never;
};

export interface ServiceImplementation {
  readonly service: DescService;
  readonly handlers: Readonly<Record<string, AnyHandler>>;
}

/** Pairs a service descriptor with its handlers. Methods left out answer `unimplemented`. */
export function implement<S extends DescService>(service: S, handlers: Partial<ServiceHandlers<S>>): ServiceImplementation {
  for (const [name, h] of Object.entries(handlers as Record<string, unknown>)) {
    if (h === undefined) continue;
    if (typeof h !== 'function') throw new TypeError(`${service.typeName}: the handler ${name} is not a function`);
  }
  return { service, handlers: handlers as Record<string, AnyHandler> };
}
