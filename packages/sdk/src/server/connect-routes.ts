// Exposes the dispatcher's routes through ConnectRPC's router, which speaks gRPC, gRPC-Web
// and Connect (JSON and binary) over HTTP/1.1 and HTTP/2.
import type { DescMessage, MessageShape } from '@bufbuild/protobuf';
import { ConnectError, type ConnectRouter, type HandlerContext as ConnectHandlerContext } from '@connectrpc/connect';
import { clockNow } from '../context/clock.ts';
import { BricksError, codeToGrpc } from '../errors/index.ts';
import type { Dispatcher } from './dispatcher.ts';

export function connectRoutes(dispatcher: Dispatcher): (router: ConnectRouter) => void {
  return (router) => {
    for (const route of dispatcher.routes) {
      router.rpc(route.method, async (req: MessageShape<DescMessage>, ctx: ConnectHandlerContext) => {
        const timeoutMs = ctx.timeoutMs();
        const headers: Record<string, string> = {};
        ctx.requestHeader.forEach((v, k) => (headers[k] = v));
        try {
          const r = await dispatcher.invoke(route, req, {
            deadline: timeoutMs === undefined ? undefined : clockNow() + timeoutMs,
            cancel: ctx,
            headers,
            transport: 'connect',
          });
          if (r.headers) for (const k of Object.keys(r.headers)) ctx.responseHeader.set(k, r.headers[k]!);
          return r.output;
        } catch (e) {
          throw toConnectError(e);
        }
      });
    }
  };
}

export function toConnectError(e: unknown): ConnectError {
  const err = BricksError.from(e, 'internal');
  return new ConnectError(err.rawMessage, codeToGrpc(err.code), err.metadata, undefined, err);
}
