// The client's co-located path: calls a dispatcher in this process with no socket. Request and
// response are deep-copied (message-copy.ts), so caller and callee never share a mutable
// object and see what a remote call would deliver (same defaults, same field rules). It sits in
// client/, above both the server it calls and the transports' message copier.
import type { DescMessage, MessageShape } from '@bufbuild/protobuf';
import type { SpanContext } from '@opentelemetry/api';
import type { CancelSource } from '../context/call-scope.ts';
import type { Dispatcher, IncomingCall, InvokeResult, Route } from '../server/dispatcher.ts';
import type { StreamResult } from '../transport/channel.ts';
import { isFlat, messageCopier } from '../transport/message-copy.ts';

type Copy = (m: MessageShape<DescMessage>) => MessageShape<DescMessage>;

/** A method's route on one local dispatcher, with its two copiers. */
export class InProcessRoute {
  readonly #copyIn: Copy;
  readonly #copyOut: Copy;
  /**
   * Messages of only scalar fields hold nothing mutable but themselves: one that was just made
   * from a plain object (by the client's or the dispatcher's `create`) is nobody else's, and
   * needs no copy.
   */
  readonly #flatIn: boolean;
  readonly #flatOut: boolean;

  constructor(
    readonly dispatcher: Dispatcher,
    readonly route: Route,
  ) {
    this.#copyIn = messageCopier(route.method.input);
    this.#copyOut = messageCopier(route.method.output);
    this.#flatIn = isFlat(route.method.input);
    this.#flatOut = isFlat(route.method.output);
  }

  /**
   * The callee's own copy of a request given as a plain object or a message, when the request
   * is a message of scalar fields (one copy instead of `create` and then a copy); else undefined.
   * Throws `invalid_argument` (unsent) for a value no encoder would send.
   */
  own(request: unknown): MessageShape<DescMessage> | undefined {
    return this.#flatIn ? this.#copyIn(request as MessageShape<DescMessage>) : undefined;
  }

  /**
   * Whether calls may take the dispatcher's inline lane: both messages of scalar fields (copied
   * by `own` and `#answer`) and a handler known to answer synchronously.
   */
  get inlinable(): boolean {
    return this.#flatIn && this.#flatOut && this.route.shape.async === false;
  }

  /** Dispatcher.inline for this route: the answer (the caller's own copy), a thrown BricksError, or a promise. */
  inline(input: MessageShape<DescMessage>, deadline: number, parentSpan: SpanContext, cancel: CancelSource | undefined, start: number): MessageShape<DescMessage> | Promise<InvokeResult> {
    return this.dispatcher.inline(this.route, input, deadline, parentSpan, cancel, start, this.#answer);
  }

  /** A flat answer, plain object or message: a copy that is the caller's alone. */
  readonly #answer = (value: unknown): MessageShape<DescMessage> => this.#copyOut(value as MessageShape<DescMessage>);

  /** When the last `inline` call that answered ended (performance.now()). */
  get inlineEndedAt(): number {
    return this.dispatcher.inlineEndedAt;
  }

  /**
   * Synchronous when the handler is; a failure is thrown (sync) or rejected as a BricksError.
   * `fresh`: the input is the callee's own (made by the client from a plain object, or by `own`).
   */
  call(input: MessageShape<DescMessage>, fresh: boolean, call: IncomingCall): InvokeResult | Promise<InvokeResult> {
    const r = this.dispatcher.invoke(this.route, fresh && this.#flatIn ? input : this.#copyIn(input), call);
    return r instanceof Promise ? r.then(this.#out) : this.#out(r);
  }

  /**
   * A streaming call (or a unary method called as one): every message both ways is copied. The
   * result comes with the handler's first answer (or its end), as a remote stream's comes with
   * the response headers; the handler's pace is the reader's.
   */
  async stream(input: AsyncIterable<MessageShape<DescMessage>>, call: IncomingCall): Promise<StreamResult> {
    const s = this.dispatcher.stream(this.route, copied(input, this.#copyIn), call);
    const it = s.output[Symbol.asyncIterator]();
    const first = await it.next();
    const copyOut = this.#copyOut;
    async function* rest(): AsyncGenerator<MessageShape<DescMessage>, void, undefined> {
      let r = first;
      try {
        while (r.done !== true) {
          yield copyOut(r.value);
          r = await it.next();
        }
      } finally {
        if (r.done !== true) await it.return?.();
      }
    }
    return { headers: s.headers() ?? {}, output: rest(), trailers: () => s.trailers() };
  }

  readonly #out = (r: InvokeResult): InvokeResult => (r.fresh && this.#flatOut ? r : { output: this.#copyOut(r.output), fresh: true, headers: r.headers, trailers: r.trailers, endedAt: r.endedAt });
}

async function* copied(input: AsyncIterable<MessageShape<DescMessage>>, copy: Copy): AsyncGenerator<MessageShape<DescMessage>, void, undefined> {
  for await (const m of input) yield copy(m);
}
