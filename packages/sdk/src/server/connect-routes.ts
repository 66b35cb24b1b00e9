// Exposes the dispatcher's routes through ConnectRPC's router, which speaks gRPC, gRPC-Web
// and Connect (JSON and binary) over HTTP/1.1 and HTTP/2, for every method kind.
import type { DescMessage, DescMethodBiDiStreaming, DescMethodClientStreaming, DescMethodServerStreaming, DescMethodUnary, MessageShape } from '@bufbuild/protobuf';
import { ConnectError, type ConnectRouter, type HandlerContext as ConnectHandlerContext } from '@connectrpc/connect';
import { clockNow } from '../context/clock.ts';
import { BricksError, codeToGrpc } from '../errors/index.ts';
import type { Dispatcher, IncomingCall } from './dispatcher.ts';
import { oneMessage, type OpenStream } from './stream-call.ts';

type Message = MessageShape<DescMessage>;

export function connectRoutes(dispatcher: Dispatcher): (router: ConnectRouter) => void {
  return (router) => {
    for (const route of dispatcher.routes) {
      const kind = route.method.methodKind;
      switch (kind) {
        case 'unary':
          router.rpc(route.method as DescMethodUnary, async (req: Message, ctx: ConnectHandlerContext) => {
            try {
              const r = await dispatcher.invoke(route, req, arrival(ctx));
              if (r.headers) for (const k of Object.keys(r.headers)) ctx.responseHeader.set(k, r.headers[k]!);
              return r.output;
            } catch (e) {
              throw toConnectError(e);
            }
          });
          break;
        case 'server_streaming':
          router.rpc(route.method as DescMethodServerStreaming, (req: Message, ctx: ConnectHandlerContext) => answers(dispatcher.stream(route, oneMessage(req), arrival(ctx)), ctx));
          break;
        case 'client_streaming':
          router.rpc(route.method as DescMethodClientStreaming, async (reqs: AsyncIterable<Message>, ctx: ConnectHandlerContext) => {
            let answer: Message | undefined;
            for await (const m of answers(dispatcher.stream(route, reqs, arrival(ctx)), ctx)) answer = m;
            if (answer === undefined) throw toConnectError(new BricksError('internal', `${route.name} ended without an answer`));
            return answer;
          });
          break;
        case 'bidi_streaming':
          router.rpc(route.method as DescMethodBiDiStreaming, (reqs: AsyncIterable<Message>, ctx: ConnectHandlerContext) => answers(dispatcher.stream(route, reqs, arrival(ctx)), ctx));
          break;
        default: {
          const never: never = kind;
          throw new Error(`unhandled method kind ${String(never)}`);
        }
      }
    }
  };
}

function arrival(ctx: ConnectHandlerContext): IncomingCall {
  const timeoutMs = ctx.timeoutMs();
  const headers: Record<string, string> = {};
  ctx.requestHeader.forEach((v, k) => (headers[k] = v));
  return {
    deadline: timeoutMs === undefined ? undefined : clockNow() + timeoutMs,
    cancel: ctx,
    headers,
    transport: ctx.protocolName === 'grpc' ? 'grpc' : 'connect',
  };
}

/** A stream's answers with its headers set before the first and its trailers after the last. */
async function* answers(s: OpenStream, ctx: ConnectHandlerContext): AsyncGenerator<Message, void, undefined> {
  let first = true;
  try {
    for await (const m of s.output) {
      if (first) {
        first = false;
        setAll(ctx.responseHeader, s.headers());
      }
      yield m;
    }
    if (first) setAll(ctx.responseHeader, s.headers());
    setAll(ctx.responseTrailer, s.trailers());
  } catch (e) {
    throw toConnectError(e);
  }
}

function setAll(h: Headers, record: Record<string, string> | undefined): void {
  if (record !== undefined) for (const k of Object.keys(record)) h.set(k, record[k]!);
}

export function toConnectError(e: unknown): ConnectError {
  if (e instanceof ConnectError) return e;
  const err = BricksError.from(e, 'internal');
  return new ConnectError(err.rawMessage, codeToGrpc(err.code), err.metadata, undefined, err);
}
