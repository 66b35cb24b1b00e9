// Serves the dispatcher's routes over the fast transport: decode protobuf binary, invoke,
// encode; errors travel as gRPC status numbers. The fast server's context is handed on as the
// call's cancel source: its AbortSignal is only made if the handler asks for one.
import { fromBinary, toBinary, type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import { BricksError, codeToGrpc } from '../errors/index.ts';
import type { FastHandler, FastModule } from '../transport/fast-module.ts';
import type { Dispatcher, InvokeResult, Route } from './dispatcher.ts';

type FastReply = Awaited<ReturnType<FastHandler>>;

export function fastHandler(fast: FastModule, dispatcher: Dispatcher): FastHandler {
  const fail = (e: unknown): Error => {
    const err = BricksError.from(e, 'internal');
    return new fast.FastError(codeToGrpc(err.code), err.rawMessage, { cause: err });
  };
  const reply = (route: Route, r: InvokeResult): FastReply => ({ payload: toBinary(route.method.output, r.output), headers: r.headers });
  return (path, payload, ctx) => {
    try {
      const route = dispatcher.route(path);
      if (!route) throw new BricksError('unimplemented', `${path.slice(1)} is not served here`);
      let input: MessageShape<DescMessage>;
      try {
        input = fromBinary(route.method.input, payload);
      } catch (cause) {
        throw new BricksError('invalid_argument', `cannot decode ${route.method.input.typeName}`, { cause });
      }
      const r = dispatcher.invoke(route, input, { deadline: ctx.deadline, cancel: ctx, headers: ctx.headers, transport: 'fast' });
      if (!(r instanceof Promise)) return Promise.resolve(reply(route, r));
      return r.then(
        (res) => {
          try {
            return reply(route, res);
          } catch (e) {
            throw fail(e);
          }
        },
        (e: unknown) => {
          throw fail(e);
        },
      );
    } catch (e) {
      return Promise.reject(fail(e));
    }
  };
}
