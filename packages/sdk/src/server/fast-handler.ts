// Serves the dispatcher's routes over the fast transport: decode protobuf binary, invoke,
// encode; errors travel as gRPC status numbers.
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { BricksError, codeToGrpc } from '../errors/index.ts';
import type { FastHandler, FastModule } from '../transport/fast-module.ts';
import type { Dispatcher } from './dispatcher.ts';

export function fastHandler(fast: FastModule, dispatcher: Dispatcher): FastHandler {
  return async (path, payload, ctx) => {
    try {
      const route = dispatcher.route(path);
      if (!route) throw new BricksError('unimplemented', `${path.slice(1)} is not served here`);
      let input;
      try {
        input = fromBinary(route.method.input, payload);
      } catch (cause) {
        throw new BricksError('invalid_argument', `cannot decode ${route.method.input.typeName}`, { cause });
      }
      const r = await dispatcher.invoke(route, input, {
        deadline: ctx.deadline,
        signal: ctx.signal,
        headers: new Headers(ctx.headers),
        transport: 'fast',
      });
      const headers: Record<string, string> = {};
      r.headers.forEach((v, k) => (headers[k] = v));
      return { payload: toBinary(route.method.output, r.output), headers };
    } catch (e) {
      const err = BricksError.from(e, 'internal');
      throw new fast.FastError(codeToGrpc(err.code), err.rawMessage, { cause: err });
    }
  };
}
