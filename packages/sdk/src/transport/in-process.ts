// The co-located channel: calls a dispatcher in this process with no socket. Request and
// response are copied through protobuf binary, so caller and callee never share a mutable
// object and see exactly what a remote call would deliver (same defaults, same field rules).
import { fromBinary, toBinary, type DescMessage } from '@bufbuild/protobuf';
import { BricksError } from '../errors/index.ts';
import type { Dispatcher } from '../server/dispatcher.ts';
import { methodPath, type Channel, type UnaryRequest, type UnaryResult } from './channel.ts';

export function inProcessChannel(dispatcher: Dispatcher): Channel {
  return {
    async unary<I extends DescMessage, O extends DescMessage>(req: UnaryRequest<I, O>): Promise<UnaryResult<O>> {
      const route = dispatcher.route(methodPath(req.method));
      if (!route) throw new BricksError('unimplemented', `${methodPath(req.method)} is not served here`);
      const input = fromBinary(req.method.input, toBinary(req.method.input, req.input));
      const r = await dispatcher.invoke(route, input, {
        deadline: Date.now() + req.timeoutMs,
        signal: req.signal,
        headers: new Headers(req.headers),
        transport: 'in-process',
        signalHasDeadline: true,
      });
      const output = fromBinary(req.method.output, toBinary(req.method.output, r.output as never));
      return { output, headers: new Headers(r.headers) };
    },
    close() {},
  };
}
