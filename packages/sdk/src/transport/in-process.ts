// The co-located path: calls a dispatcher in this process with no socket. Request and
// response are deep-copied (message-copy.ts), so caller and callee never share a mutable
// object and see what a remote call would deliver (same defaults, same field rules).
import type { DescMessage, MessageShape } from '@bufbuild/protobuf';
import type { Dispatcher, IncomingCall, InvokeResult, Route } from '../server/dispatcher.ts';
import { isFlat, messageCopier } from './message-copy.ts';

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
   * Synchronous when the handler is; a failure is thrown (sync) or rejected as a BricksError.
   * `fresh`: the input is the callee's own (made by the client from a plain object, or by `own`).
   */
  call(input: MessageShape<DescMessage>, fresh: boolean, call: IncomingCall): InvokeResult | Promise<InvokeResult> {
    const r = this.dispatcher.invoke(this.route, fresh && this.#flatIn ? input : this.#copyIn(input), call);
    return r instanceof Promise ? r.then(this.#out) : this.#out(r);
  }

  readonly #out = (r: InvokeResult): InvokeResult => (r.fresh && this.#flatOut ? r : { output: this.#copyOut(r.output), fresh: true, headers: r.headers, endedAt: r.endedAt });
}
