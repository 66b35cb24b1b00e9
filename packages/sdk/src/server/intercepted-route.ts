// A route's handler behind the interceptors its serve() was given: the onion is built per call
// around a core that runs the handler in the call's context. Routes without interceptors never
// come here (their calls cost what they did before interceptors existed).
import type { DescMessage, MessageShape } from '@bufbuild/protobuf';
import { runInCall } from '../context/call-context.ts';
import type { CallScope } from '../context/call-scope.ts';
import { BricksError } from '../errors/index.ts';
import { chain, type Call, type Interceptor, type Next } from '../interceptors/interceptor.ts';
import type { Route } from './dispatcher.ts';
import { answers, toOutput } from './stream-call.ts';

type Message = MessageShape<DescMessage>;

export interface InterceptedRoute {
  readonly unary: (input: Message, scope: CallScope) => Promise<Message>;
  readonly stream: (input: AsyncIterable<Message>, scope: CallScope) => Promise<AsyncIterable<Message>>;
}

/** `route` is the plain route: its handler is the onion's core. */
export function interceptedRoute(route: Route, interceptors: readonly Interceptor[]): InterceptedRoute {
  const core =
    (scope: CallScope): Next =>
    async (call) => {
      if (!call.stream) {
        const value = await runInCall(scope, route.handler as unknown as (m: Message, s: CallScope) => unknown, call.message, route.shape);
        return { stream: false, message: toOutput(route, value), headers: scope.responseHeaders, trailers: scope.responseTrailers };
      }
      return { stream: true, messages: answers(route, scope, call.messages), headers: scope.responseHeaders, trailers: scope.responseTrailers };
    };
  const base = (scope: CallScope) => ({
    side: 'server' as const,
    method: route.method,
    name: route.name,
    requestHeaders: scope.requestHeaders,
    signal: scope.signal,
    deadline: scope.deadline,
    values: scope.values,
    transport: scope.transport,
  });
  return {
    async unary(input, scope) {
      const call: Call = { ...base(scope), stream: false, message: input };
      const reply = await chain(interceptors, core(scope))(call);
      if (reply.stream) throw new BricksError('internal', `an interceptor answered the unary ${route.name} with a stream`);
      return reply.message;
    },
    async stream(input, scope) {
      const call: Call = { ...base(scope), stream: true, messages: input };
      const reply = await chain(interceptors, core(scope))(call);
      if (!reply.stream) throw new BricksError('internal', `an interceptor answered the stream ${route.name} with one message`);
      return reply.messages;
    },
  };
}
