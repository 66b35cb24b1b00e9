// One served call run as a stream: the handler of any kind between the caller's messages and
// its answers. The caller's pace is the handler's: it pulls the next answer only when it can
// send it, and the handler reads the next request only when it wants one. The call's deadline
// and cancellation interrupt both ways, also a handler that ignores its signal.
import { create, isMessage, type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import { callEnded, callStarted, isThenable, resumeInCall, runInCall } from '../context/call-context.ts';
import type { CallScope } from '../context/call-scope.ts';
import { BricksError } from '../errors/index.ts';
import type { Route } from './dispatcher.ts';

type Message = MessageShape<DescMessage>;

/** Where `pipe` delivers a stream's answers. */
export interface StreamSink {
  /** One answer; false when the transport cannot take another now (it calls `resume` once it can). */
  send(m: Message): boolean;
  /** The handler ended well. */
  finish(): void;
  /** The call ended with this error (the handler's, its deadline, a cancel). */
  fail(e: BricksError): void;
}

/**
 * An open call. Its answers are read one way: `output` (an async iterable, for transports that
 * take one) or `pipe` (callbacks: a promise step per answer and no more, for the transports
 * that write themselves).
 */
export interface OpenStream {
  /** The handler's answers; throws the BricksError the call ended with. Returning it early cancels the call. */
  readonly output: AsyncIterable<Message>;
  pipe(sink: StreamSink): { resume(): void };
  /** The response headers the handler set so far (send them with the first answer). */
  headers(): Record<string, string> | undefined;
  /** The trailers the handler set (send them at the end). */
  trailers(): Record<string, string> | undefined;
  /** The transport lost the caller: the handler's signal aborts and the output throws `reason`. */
  abort(reason: BricksError): void;
}

export interface StreamEnds {
  /** Records the call as failed; returns the error to throw. */
  fail(e: unknown): BricksError;
  succeed(): void;
}

const noop = (): void => undefined;

/** `gate`, when given, is a check (the caller's credentials) the handler waits for; its rejection ends the call. */
export function openStream(route: Route, scope: CallScope, input: AsyncIterable<Message>, expired: boolean, gate: Promise<void> | undefined, ends: StreamEnds): OpenStream {
  // Awaited once the stream is read, perhaps a tick later: its refusal is not unhandled meanwhile.
  gate?.catch(noop);
  // A stream's handler is interrupted by the caller's cancel even when it never read its signal.
  scope.follow();
  // Steps waiting on the handler (its next answer) or on the caller (its next message): the
  // call's end rejects them at once, so a handler that ignores its signal cannot hold the call.
  // Also the pipe's end, when it is piped.
  const waiting = new Set<(e: Error) => void>();
  scope.watch((reason) => {
    for (const reject of waiting) reject(reason);
    waiting.clear();
  });
  const race = <T>(p: PromiseLike<T>): Promise<T> => {
    if (scope.reason !== undefined) {
      // Over already: what `p` ends with is nobody's concern, but must not go unhandled.
      p.then(noop, noop);
      return Promise.reject(scope.reason);
    }
    return new Promise<T>((resolve, reject) => {
      waiting.add(reject);
      p.then(
        (v) => {
          waiting.delete(reject);
          resolve(v);
        },
        (e: unknown) => {
          waiting.delete(reject);
          reject(e instanceof Error ? e : new Error(String(e)));
        },
      );
    });
  };
  // Nothing to wait for in a message already here.
  const requests = input instanceof OneMessage ? input : guarded(input, race);

  async function* run(): AsyncGenerator<Message, void, undefined> {
    let inner: AsyncIterator<unknown> | undefined;
    let outcome: 'running' | 'done' | 'failed' = 'running';
    callStarted();
    try {
      if (route.handler === undefined) throw new BricksError('unimplemented', `${route.name} is not implemented`);
      if (expired) throw new BricksError('deadline_exceeded', 'deadline already passed');
      if (gate !== undefined) await race(gate);
      const intercepted = route.intercepted;
      // Through interceptors the reply is a stream whatever the method's kind (one message for unary answers).
      const answered: Answers = intercepted !== undefined ? { many: await race(resumeInCall(scope, () => intercepted.stream(requests, scope))) } : handlerAnswers(route, scope, requests);
      if ('one' in answered) {
        // One answer (unary and client-streaming methods).
        yield toOutput(route, await race(answered.one));
      } else {
        const many = isThenable(answered.many) ? await race(answered.many) : answered.many;
        const source = (inner = iterate(route, many));
        const step = (): Promise<IteratorResult<unknown>> => source.next();
        for (;;) {
          const r = await race(resumeInCall(scope, step));
          if (r.done === true) break;
          yield toOutput(route, r.value);
        }
      }
      outcome = 'done';
    } catch (e) {
      outcome = 'failed';
      throw ends.fail(e);
    } finally {
      callEnded();
      switch (outcome) {
        case 'done':
          ends.succeed();
          break;
        case 'running': {
          // The transport stopped reading before the end: its caller is gone.
          const reason = scope.reason ?? new BricksError('cancelled', 'the caller went away');
          scope.abort(reason);
          ends.fail(reason);
          break;
        }
        case 'failed':
          break;
        default: {
          const never: never = outcome;
          void never;
        }
      }
      // The handler's generator cleans up (its finally blocks run) once it reaches a yield.
      if (outcome !== 'done') void inner?.return?.()?.then(noop, noop);
    }
  }

  /** The same call as `run`, driven by callbacks: the handler's next answer is asked for once the sink took the last. */
  function pipe(sink: StreamSink): { resume(): void } {
    let over = false;
    let inner: AsyncIterator<unknown> | undefined;
    callStarted();
    const end = (e?: unknown): void => {
      if (over) return;
      over = true;
      callEnded();
      waiting.delete(end);
      if (e === undefined) {
        ends.succeed();
        sink.finish();
        return;
      }
      sink.fail(ends.fail(e));
      // The handler's generator cleans up (its finally blocks run) once it reaches a yield.
      void inner?.return?.()?.then(noop, noop);
    };
    waiting.add(end);
    const step = (): Promise<IteratorResult<unknown>> => inner!.next();
    const onStep = (r: IteratorResult<unknown>): void => {
      if (over) return;
      if (r.done === true) return end();
      let more: boolean;
      try {
        more = sink.send(toOutput(route, r.value));
      } catch (e) {
        return end(e);
      }
      if (more) next();
    };
    const next = (): void => {
      if (over) return;
      let p: Promise<IteratorResult<unknown>>;
      try {
        p = resumeInCall(scope, step);
      } catch (e) {
        return end(e);
      }
      p.then(onStep, end);
    };
    const begin = (): void => {
      if (over) return;
      const intercepted = route.intercepted;
      const answered: Answers = intercepted !== undefined ? { many: resumeInCall(scope, () => intercepted.stream(requests, scope)) } : handlerAnswers(route, scope, requests);
      if ('one' in answered) {
        answered.one.then((v) => {
          if (over) return;
          try {
            sink.send(toOutput(route, v));
          } catch (e) {
            return end(e);
          }
          end();
        }, end);
      } else if (isThenable(answered.many)) {
        answered.many.then((many) => {
          if (over) return;
          try {
            inner = iterate(route, many);
          } catch (e) {
            return end(e);
          }
          next();
        }, end);
      } else {
        inner = iterate(route, answered.many);
        next();
      }
    };
    try {
      if (route.handler === undefined) throw new BricksError('unimplemented', `${route.name} is not implemented`);
      if (expired) throw new BricksError('deadline_exceeded', 'deadline already passed');
      if (gate === undefined) begin();
      else
        gate.then(() => {
          try {
            begin();
          } catch (e) {
            end(e);
          }
        }, end);
    } catch (e) {
      end(e);
    }
    return { resume: next };
  }

  let taken = false;
  const once = (): void => {
    if (taken) throw new Error('a stream is read once, by output or by pipe');
    taken = true;
  };
  return {
    get output() {
      once();
      return run();
    },
    pipe(sink) {
      once();
      return pipe(sink);
    },
    headers: () => scope.responseRecord(),
    trailers: () => scope.trailerRecord(),
    abort: (reason) => scope.abort(reason),
  };
}

/** A handler's answers: one (a promise of it), or a stream (once its one request, if any, was read). */
type Answers = { readonly one: PromiseLike<unknown> } | { readonly many: AsyncIterable<unknown> | PromiseLike<AsyncIterable<unknown>> };

/** The handler called by its method's kind. A method that takes one request reads it first. */
function handlerAnswers(route: Route, scope: CallScope, requests: AsyncIterable<Message>): Answers {
  const h = route.handler as unknown as (input: unknown, scope: CallScope) => unknown;
  const kind = route.method.methodKind;
  switch (kind) {
    case 'unary':
      if (requests instanceof OneMessage) return { one: Promise.resolve(runInCall(scope, h, requests.message, route.shape)) };
      return { one: single(route, requests).then((req) => runInCall(scope, h, req, route.shape)) };
    case 'client_streaming':
      return { one: Promise.resolve(runInCall(scope, h, requests, route.shape)) };
    case 'server_streaming':
      if (requests instanceof OneMessage) return { many: runInCall(scope, h, requests.message, route.shape) as AsyncIterable<unknown> };
      return { many: single(route, requests).then((req) => runInCall(scope, h, req, route.shape) as AsyncIterable<unknown>) };
    case 'bidi_streaming':
      return { many: runInCall(scope, h, requests, route.shape) as AsyncIterable<unknown> };
    default: {
      const never: never = kind;
      throw new Error(`unhandled method kind ${String(never)}`);
    }
  }
}

function iterate(route: Route, answers: AsyncIterable<unknown>): AsyncIterator<unknown> {
  return iterable(route, answers)[Symbol.asyncIterator]();
}

function iterable(route: Route, values: unknown): AsyncIterable<unknown> {
  if (values === null || typeof values !== 'object' || !(Symbol.asyncIterator in values)) {
    throw new BricksError('internal', `${route.name} must answer with an async iterable (an async function*)`);
  }
  return values as AsyncIterable<unknown>;
}

/** The handler's answers as output messages (the core of an intercepted route's onion). */
export async function* answers(route: Route, scope: CallScope, requests: AsyncIterable<Message>): AsyncGenerator<Message, void, undefined> {
  const a = handlerAnswers(route, scope, requests);
  if ('one' in a) {
    yield toOutput(route, await a.one);
    return;
  }
  for await (const v of iterable(route, isThenable(a.many) ? await a.many : a.many)) yield toOutput(route, v);
}

/**
 * A stream of exactly one message that the transport already holds (the request of a unary or
 * server-streaming call): read without a generator, and handed to the handler without a read.
 */
export class OneMessage implements AsyncIterable<Message> {
  constructor(readonly message: Message) {}

  [Symbol.asyncIterator](): AsyncIterator<Message> {
    let done = false;
    return {
      next: () => {
        if (done) return Promise.resolve({ value: undefined, done: true });
        done = true;
        return Promise.resolve({ value: this.message, done: false });
      },
    };
  }
}

export function oneMessage(m: Message): OneMessage {
  return new OneMessage(m);
}

/** The one request of a method that takes one (gRPC sends it as a stream of one). */
async function single(route: Route, requests: AsyncIterable<Message>): Promise<Message> {
  const it = requests[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done === true) throw new BricksError('invalid_argument', `${route.name} takes one request message, got none`);
  return first.value;
}

/** A handler's answer as the output message; a value no encoder would send is the handler's fault. */
export function toOutput(route: Route, value: unknown): Message {
  try {
    return isMessage(value) ? create(route.method.output, value) : route.createOutput(value as never);
  } catch (e) {
    if (e instanceof BricksError && e.code === 'invalid_argument') throw new BricksError('internal', `${route.name} answered with ${e.rawMessage}`, { cause: e });
    throw e;
  }
}

/** The caller's messages, ending with the call's reason when it ends early. */
async function* guarded(input: AsyncIterable<Message>, race: <T>(p: PromiseLike<T>) => Promise<T>): AsyncGenerator<Message, void, undefined> {
  const it = input[Symbol.asyncIterator]();
  let finished = false;
  try {
    for (;;) {
      const r = await race(it.next());
      if (r.done === true) {
        finished = true;
        return;
      }
      yield r.value;
    }
  } finally {
    if (!finished) void it.return?.()?.then(noop, noop);
  }
}
