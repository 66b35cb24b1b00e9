// Interceptors: an onion of functions around a call, in the manner of connect-es. Each takes
// the next layer and returns a layer of its own, which may read or change the call (headers,
// values, the messages), call `next`, and read, change or replace the reply, or throw. The
// same type serves clients and servers; `call.side` says which one it is running on.
import type { DescMessage, DescMethod, MessageShape } from '@bufbuild/protobuf';
import type { CallValues } from '../context/call-values.ts';

type Message = MessageShape<DescMessage>;

interface CallBase {
  readonly side: 'client' | 'server';
  readonly method: DescMethod;
  /** `package.Service/Method`. */
  readonly name: string;
  /** The request headers: a client interceptor may set some (they are sent), a server one reads them. */
  readonly requestHeaders: Headers;
  /** Aborts when the call is cancelled or its deadline passes. */
  readonly signal: AbortSignal;
  /** Absolute deadline, epoch ms. */
  readonly deadline: number;
  /** Values for the layers inside, and on a server for the handler (`ctx.values`). */
  readonly values: CallValues;
  /** How the call travels: on a server how it arrived, on a client `remote` or `in-process`. */
  readonly transport: 'connect' | 'grpc' | 'fast' | 'in-process' | 'remote';
}

export interface UnaryCall extends CallBase {
  readonly stream: false;
  readonly message: Message;
}

export interface StreamCall extends CallBase {
  readonly stream: true;
  /** The caller's messages (one, for a server-streaming method). */
  readonly messages: AsyncIterable<Message>;
}

export type Call = UnaryCall | StreamCall;

interface ReplyBase {
  /** Response headers: a server interceptor may set some before the first message goes out. */
  readonly headers: Headers;
  /** Response trailers; on a client complete once the reply has ended. */
  readonly trailers: Headers;
}

export interface UnaryReply extends ReplyBase {
  readonly stream: false;
  readonly message: Message;
}

export interface StreamReply extends ReplyBase {
  readonly stream: true;
  readonly messages: AsyncIterable<Message>;
}

export type Reply = UnaryReply | StreamReply;

/**
 * One layer of the onion. A unary call must get a unary reply, a stream call a stream reply.
 * On a client, a stream's `next` resolves at once: the call starts when its reply's messages are
 * first read, and its headers and trailers fill in as they arrive.
 */
export type Next = (call: Call) => Promise<Reply>;

export type Interceptor = (next: Next) => Next;

/** `interceptors[0]` is the outermost layer: it sees the call first and the reply last. */
export function chain(interceptors: readonly Interceptor[], inner: Next): Next {
  let next = inner;
  for (let i = interceptors.length - 1; i >= 0; i--) next = interceptors[i]!(next);
  return next;
}
