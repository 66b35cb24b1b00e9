// Serves the dispatcher's routes over the fast transport: decode protobuf binary, invoke,
// encode; errors travel as gRPC status numbers. The fast server's context is handed on as the
// call's cancel source: its AbortSignal is only made if the handler asks for one.
// Streaming calls go the same way, message by message, within the client's window.
import { fromBinary, toBinary, type DescMessage, type DescMethod, type MessageShape } from '@bufbuild/protobuf';
import { BricksError, codeToGrpc } from '../errors/index.ts';
import type { FastHandler, FastModule, FastStreamCallLike, FastStreamHandler } from '../transport/fast-module.ts';
import type { Dispatcher, InvokeResult, Route } from './dispatcher.ts';
import { REFUSAL_MESSAGE, REFUSED } from './overload/gate.ts';
import type { OpenStream } from './stream-call.ts';

type FastReply = Awaited<ReturnType<FastHandler>>;

export function fastHandler(fast: FastModule, dispatcher: Dispatcher): FastHandler {
  const handle = unaryHandler(fast, dispatcher);
  const gate = dispatcher.gate;
  if (gate === undefined) return handle;
  return (path, payload, ctx) => {
    // Admitted or refused before the payload is decoded; a refusal carries the refused flag.
    if (dispatcher.route(path)?.limited !== true) return handle(path, payload, ctx);
    const entered = gate.enter();
    if (entered === REFUSED) return Promise.reject(refusal(fast));
    const p = handle(path, payload, ctx);
    p.then(
      () => gate.leave(entered, true),
      () => gate.leave(entered, true),
    );
    return p;
  };
}

function refusal(fast: FastModule): Error {
  return new fast.FastError(codeToGrpc('resource_exhausted'), REFUSAL_MESSAGE, { neverSent: true });
}

function unaryHandler(fast: FastModule, dispatcher: Dispatcher): FastHandler {
  const fail = failure(fast);
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

export function fastStreamHandler(fast: FastModule, dispatcher: Dispatcher): FastStreamHandler {
  const fail = failure(fast);
  const gate = dispatcher.gate;
  return (path, call) => {
    const route = dispatcher.route(path);
    if (!route) {
      call.fail(fail(new BricksError('unimplemented', `${path.slice(1)} is not served here`)));
      return;
    }
    const entered = route.limited ? gate?.enter() : undefined;
    if (entered === REFUSED) {
      call.fail(refusal(fast));
      return;
    }
    const s = dispatcher.stream(route, decoded(route.method, call.input), { deadline: call.ctx.deadline, cancel: call.ctx, headers: call.ctx.headers, transport: 'fast' });
    answer(route, s, call, fail, gate === undefined || entered === undefined ? undefined : () => gate.leave(entered, true));
  };
}

function answer(route: Route, s: OpenStream, call: FastStreamCallLike, fail: (e: unknown) => Error, done: (() => void) | undefined): void {
  let first = true;
  const head = (): void => {
    first = false;
    const headers = s.headers();
    if (headers !== undefined) call.head(headers);
  };
  const piped = s.pipe({
    send: (m) => {
      if (first) head();
      call.send(toBinary(route.method.output, m));
      if (call.writable) return true;
      // The next answer is asked for only once the client's window takes it: a slow reader slows the handler.
      call.ready().then(
        () => piped.resume(),
        () => undefined, // the call ended meanwhile: its cancel ends the stream
      );
      return false;
    },
    finish: () => {
      done?.();
      if (first) head();
      call.finish(s.trailers());
    },
    fail: (e) => {
      done?.();
      call.fail(fail(e));
    },
  });
}

async function* decoded(method: DescMethod, payloads: AsyncIterable<Uint8Array>): AsyncGenerator<MessageShape<DescMessage>, void, undefined> {
  for await (const p of payloads) {
    let m: MessageShape<DescMessage>;
    try {
      m = fromBinary(method.input, p);
    } catch (cause) {
      throw new BricksError('invalid_argument', `cannot decode ${method.input.typeName}`, { cause });
    }
    yield m;
  }
}

function failure(fast: FastModule): (e: unknown) => Error {
  return (e) => {
    const err = BricksError.from(e, 'internal');
    return new fast.FastError(codeToGrpc(err.code), err.rawMessage, { cause: err });
  };
}
