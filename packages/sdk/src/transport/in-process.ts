// The co-located path: calls a dispatcher in this process with no socket. Request and
// response are deep-copied (message-copy.ts), so caller and callee never share a mutable
// object and see what a remote call would deliver (same defaults, same field rules).
import type { DescMessage, MessageShape } from '@bufbuild/protobuf';
import type { Dispatcher, IncomingCall, InvokeResult, Route } from '../server/dispatcher.ts';
import { messageCopier } from './message-copy.ts';

/** A method's route on one local dispatcher, with its two copiers. */
export class InProcessRoute {
  readonly #copyIn: (m: MessageShape<DescMessage>) => MessageShape<DescMessage>;
  readonly #copyOut: (m: MessageShape<DescMessage>) => MessageShape<DescMessage>;

  constructor(
    readonly dispatcher: Dispatcher,
    readonly route: Route,
  ) {
    this.#copyIn = messageCopier(route.method.input);
    this.#copyOut = messageCopier(route.method.output);
  }

  /** Synchronous when the handler is; a failure is thrown (sync) or rejected as a BricksError. */
  call(input: MessageShape<DescMessage>, call: IncomingCall): InvokeResult | Promise<InvokeResult> {
    const r = this.dispatcher.invoke(this.route, this.#copyIn(input), call);
    return r instanceof Promise ? r.then(this.#out) : this.#out(r);
  }

  readonly #out = (r: InvokeResult): InvokeResult => ({ output: this.#copyOut(r.output), headers: r.headers });
}
