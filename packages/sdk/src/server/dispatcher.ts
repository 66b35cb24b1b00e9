// The server's core, shared by every transport: finds the handler for a method path and runs
// it with a deadline, a call context (call-context.ts), a server span, metrics and error
// mapping. Transports only decode, call invoke(), and encode.
import { performance } from 'node:perf_hooks';
import { create, isMessage, type DescMessage, type DescMethod, type MessageInitShape, type MessageShape } from '@bufbuild/protobuf';
import type { Attributes, SpanContext } from '@opentelemetry/api';
import type { Authenticator } from '../auth/authenticator.ts';
import type { Guard } from '../auth/guard.ts';
import { asyncShape, isThenable, runInCall, streamingShape, type HandlerShape } from '../context/call-context.ts';
import { CallScope, type Arrival, type CancelSource } from '../context/call-scope.ts';
import { clockAt, clockNow } from '../context/clock.ts';
import { BricksError } from '../errors/index.ts';
import type { Logger } from '../telemetry/logger.ts';
import { serverSeries, type HistogramSeries } from '../telemetry/metrics.ts';
import { parseTraceparent } from '../tracing/trace-context.ts';
import { beginRpcSpan, finishRpcSpan, idsOnlySpan } from '../tracing/rpc-span.ts';
import { methodPath } from '../transport/channel.ts';
import { isFlat, messageCopier } from '../transport/message-copy.ts';
import { admitted, admission } from './admission.ts';
import type { AnyHandler, HandlerContext, ServiceImplementation } from './implement.ts';
import { interceptedRoute, type InterceptedRoute } from './intercepted-route.ts';
import type { Interceptor } from '../interceptors/interceptor.ts';
import { openStream, type OpenStream } from './stream-call.ts';
import type { OverloadGate } from './overload/gate.ts';

type Transport = HandlerContext['transport'];

export interface Route {
  readonly path: string;
  /** `package.Service/Method`, the metrics label. */
  readonly name: string;
  readonly method: DescMethod;
  readonly handler: AnyHandler | undefined;
  /** The handler behind the route's interceptors; undefined when it has none (the fast path). */
  readonly intercepted: InterceptedRoute | undefined;
  /** Histogram series by transport and code, resolved on first use. */
  readonly series: Partial<Record<Transport, Partial<Record<string, HistogramSeries>>>>;
  /** Whether the handler returns promises: it decides where the call context is kept. */
  readonly shape: HandlerShape;
  /** The output message from the plain object a handler returned. */
  readonly createOutput: (init: MessageInitShape<DescMessage>) => MessageShape<DescMessage>;
  /** The server span's attributes by transport, made once (they are read only when a span records). */
  readonly attributes: Partial<Record<Transport, () => Attributes>>;
  /** Checks the caller before the handler runs (auth/guard.ts); undefined when nothing is checked. */
  readonly guard: Guard | undefined;
  /**
   * Whether its calls go through the overload gate. Health and reflection do not: a probe must
   * learn how the replica is, busy or not, and they cost next to nothing.
   */
  readonly limited: boolean;
}

export interface IncomingCall extends Arrival {
  /** Absolute deadline from the wire; undefined when the caller sent none. */
  readonly deadline: number | undefined;
  /** performance.now() when the call began, when the caller already read the clock (in-process). */
  readonly startedAt?: number;
}

export interface InvokeResult {
  readonly output: MessageShape<DescMessage>;
  /** The output was made here from a plain object the handler returned, not handed back as is. */
  readonly fresh: boolean;
  /** Response headers the handler set, lowercase names; undefined when it set none. */
  readonly headers: Record<string, string> | undefined;
  /** Trailers the handler set; undefined when it set none. */
  readonly trailers: Record<string, string> | undefined;
  /** performance.now() when the call ended here: an in-process caller's end too. */
  readonly endedAt: number;
}

export interface DispatcherOptions {
  readonly logger: Logger;
  /** Deadline for calls that arrive without one (every call has one). */
  readonly defaultTimeoutMs: number;
  /** Told when the dispatcher takes on services (the process's registry of local services). */
  readonly onServicesAdded?: () => void;
  /** Verifies callers per method (x-bricks.auth, platform identity). */
  readonly auth?: Authenticator;
  /** Limits remote calls (server/overload/); undefined: every call is taken at once, as it comes. */
  readonly overload?: OverloadGate;
}

export interface AddOptions {
  /** Around every call of these services, outermost first. */
  readonly interceptors?: readonly Interceptor[];
  /** Offered to co-located clients (default true; the standard services answer for this replica only). */
  readonly local?: boolean;
}

export class Dispatcher {
  readonly #routes = new Map<string, Route>();
  readonly #services = new Set<string>();
  /** Served here but not to co-located clients (health, reflection: they speak for this replica). */
  readonly #remoteOnly = new Set<string>();
  readonly #descriptors: ServiceImplementation['service'][] = [];
  #inFlight = 0;
  #idle: (() => void)[] = [];

  constructor(private readonly opts: DispatcherOptions) {}

  add(impl: ServiceImplementation, opts: AddOptions = {}): void {
    if (this.#services.has(impl.service.typeName)) throw new Error(`${impl.service.typeName} is already served`);
    this.opts.auth?.served(impl.service);
    this.#services.add(impl.service.typeName);
    this.#descriptors.push(impl.service);
    if (opts.local === false) this.#remoteOnly.add(impl.service.typeName);
    const interceptors = opts.interceptors ?? [];
    for (const m of impl.service.methods) {
      const path = methodPath(m);
      const handler = impl.handlers[m.localName];
      const shape = m.methodKind !== 'unary' ? streamingShape() : interceptors.length === 0 ? { async: undefined } : asyncShape();
      const guard = this.opts.auth?.guard(path.slice(1));
      const route: Route = { path, name: path.slice(1), method: m, handler, intercepted: undefined, series: {}, shape, attributes: {}, createOutput: outputCreator(m.output), guard, limited: opts.local !== false };
      this.#routes.set(path, handler !== undefined && interceptors.length > 0 ? { ...route, intercepted: interceptedRoute(route, interceptors) } : route);
    }
    this.opts.onServicesAdded?.();
  }

  /** Whether co-located clients of this service may call it here. */
  serves(serviceTypeName: string): boolean {
    return this.#services.has(serviceTypeName) && !this.#remoteOnly.has(serviceTypeName);
  }

  /** Every service served here, standard ones included (what reflection lists). */
  get descriptors(): readonly ServiceImplementation['service'][] {
    return this.#descriptors;
  }

  get services(): readonly string[] {
    return [...this.#services];
  }

  get routes(): Iterable<Route> {
    return this.#routes.values();
  }

  route(path: string): Route | undefined {
    return this.#routes.get(path);
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** The overload gate the transports admit remote calls through; undefined when it is off. */
  get gate(): OverloadGate | undefined {
    return this.opts.overload;
  }

  /** Resolves once no call is running. */
  idle(): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((r) => this.#idle.push(r));
  }

  /**
   * Runs one call. A handler that returns a value (not a promise) is answered synchronously:
   * the result comes back as is, and a failure is thrown as a BricksError. Otherwise the
   * promise settles with the handler, or with deadline_exceeded at the deadline (a handler that
   * ignores its signal must not hold the caller past its deadline), or with the cancellation
   * once the handler has taken its signal.
   */
  invoke(route: Route, input: MessageShape<DescMessage>, call: IncomingCall): InvokeResult | Promise<InvokeResult> {
    const gate = this.opts.overload;
    const turns = gate?.turns;
    // This turn of the loop has started calls for long enough: the rest start on the next
    // one, after answers are written (the deadline is checked again when it does start).
    if (gate !== undefined && turns !== undefined && call.transport !== 'in-process' && !turns.mayRunNow()) {
      // A caller whose deadline comes before its turn would is refused now, not answered late:
      // the refusal costs nothing and the client may retry elsewhere.
      if (call.deadline !== undefined && call.deadline - clockNow() < turns.expectedWaitMs()) return Promise.reject(gate.refusal());
      return new Promise<InvokeResult>((resolve, reject) =>
        turns.later(() => {
          try {
            const r = this.#invoke(route, input, call);
            if (r instanceof Promise) r.then(resolve, reject);
            else resolve(r);
          } catch (e) {
            reject(e instanceof Error ? e : new Error(String(e)));
          }
        }),
      );
    }
    return this.#invoke(route, input, call);
  }

  #invoke(route: Route, input: MessageShape<DescMessage>, call: IncomingCall): InvokeResult | Promise<InvokeResult> {
    const start = call.startedAt ?? performance.now();
    const now = clockAt(start);
    const deadline = call.deadline ?? now + this.opts.defaultTimeoutMs;
    const parent = call.parentSpan ?? parseTraceparent(call.headers.traceparent, call.headers.tracestate);
    const transport = call.transport;
    const span = beginRpcSpan(route.name, 'server', parent, (route.attributes[transport] ??= () => ({ 'rpc.system': 'bricks', 'rpc.method': route.name, 'rpc.bricks.transport': transport })));
    const scope = new CallScope(deadline, route.name, span, call);
    this.#inFlight++;
    let result: unknown;
    try {
      const handler = route.handler;
      if (!handler) throw new BricksError('unimplemented', `${route.name} is not implemented`);
      if (deadline <= now) throw new BricksError('deadline_exceeded', 'deadline already passed');
      // The guard runs first: a refused caller reaches neither the interceptors nor the handler.
      const run = route.intercepted !== undefined ? route.intercepted.unary : (handler as unknown as Unary);
      result = route.guard === undefined ? runInCall(scope, run, input, route.shape) : admitted(route.guard, call, scope, run, input, route.shape);
    } catch (e) {
      throw this.#fail(route, scope, call.transport, start, e);
    }
    if (!isThenable(result)) return this.#succeed(route, scope, call.transport, start, result);
    return this.#settle(route, scope, call.transport, start, result);
  }

  /**
   * performance.now() when the last `inline` call that answered ended: read by its caller right
   * after it returns (nothing runs in between), so the answer needs no result object around it.
   */
  inlineEndedAt = 0;

  /**
   * The co-located lane (client.ts): a route whose handler answered synchronously before, called
   * in-process with no per-call options while no tracer is registered. The same steps as invoke()
   * (server span, call context, deadline, metrics, error mapping) without the objects that carry
   * a call between layers. `answer` makes the caller's own copy of the handler's answer.
   * Returns that copy, throws the BricksError the call ended with (recorded), or returns a promise
   * as invoke() does when the handler answered with one after all.
   */
  inline(
    route: Route,
    input: MessageShape<DescMessage>,
    deadline: number,
    parentSpan: SpanContext,
    cancel: CancelSource | undefined,
    start: number,
    answer: (value: unknown) => MessageShape<DescMessage>,
  ): MessageShape<DescMessage> | Promise<InvokeResult> {
    const scope = new CallScope(deadline, route.name, idsOnlySpan(parentSpan), { cancel, headers: noHeaders, parentSpan, transport: 'in-process' });
    this.#inFlight++;
    let result: unknown;
    try {
      if (!route.handler) throw new BricksError('unimplemented', `${route.name} is not implemented`);
      const run = route.handler as unknown as Unary;
      result = route.guard === undefined ? runInCall(scope, run, input, route.shape) : admitted(route.guard, inlineArrival, scope, run, input, route.shape);
    } catch (e) {
      throw this.#fail(route, scope, 'in-process', start, e);
    }
    if (isThenable(result)) return this.#settle(route, scope, 'in-process', start, result);
    let output: MessageShape<DescMessage>;
    try {
      output = answer(result);
    } catch (e) {
      throw this.#fail(route, scope, 'in-process', start, invalidAnswer(route, e));
    }
    this.inlineEndedAt = this.#end(route, scope, 'in-process', start, undefined);
    return output;
  }

  /**
   * Opens a call of any kind as a stream (the streaming methods; unary ones when a transport
   * carries them as streams): `input` is the caller's messages, already decoded. The call ends
   * when its output ends, throws, or is returned early (the caller went away: the handler's
   * signal aborts).
   */
  stream(route: Route, input: AsyncIterable<MessageShape<DescMessage>>, call: IncomingCall): OpenStream {
    const start = call.startedAt ?? performance.now();
    const now = clockAt(start);
    const deadline = call.deadline ?? now + this.opts.defaultTimeoutMs;
    const parent = call.parentSpan ?? parseTraceparent(call.headers.traceparent, call.headers.tracestate);
    const transport = call.transport;
    const span = beginRpcSpan(route.name, 'server', parent, (route.attributes[transport] ??= () => ({ 'rpc.system': 'bricks', 'rpc.method': route.name, 'rpc.bricks.transport': transport })));
    const scope = new CallScope(deadline, route.name, span, call);
    this.#inFlight++;
    // The guard first, as for unary calls: a refused caller's stream runs no handler.
    const gate = route.guard === undefined ? undefined : admission(route.guard, call, scope);
    return openStream(route, scope, input, deadline <= now, gate, {
      fail: (e) => this.#fail(route, scope, transport, start, e),
      succeed: () => void this.#end(route, scope, transport, start, undefined),
    });
  }

  /** A handler's promise: its answer, or deadline_exceeded at the deadline, or its cancellation. */
  #settle(route: Route, scope: CallScope, transport: Transport, start: number, result: PromiseLike<unknown>): Promise<InvokeResult> {
    return new Promise<InvokeResult>((resolve, reject) => {
      let settled = false;
      scope.watch((reason) => {
        if (settled) return;
        settled = true;
        reject(this.#fail(route, scope, transport, start, reason));
      });
      result.then(
        (value) => {
          if (settled) return;
          settled = true;
          try {
            resolve(this.#succeed(route, scope, transport, start, value));
          } catch (e) {
            reject(e instanceof Error ? e : new Error(String(e)));
          }
        },
        (e: unknown) => {
          if (settled) return;
          settled = true;
          reject(this.#fail(route, scope, transport, start, e));
        },
      );
    });
  }

  #succeed(route: Route, scope: CallScope, transport: Transport, start: number, value: unknown): InvokeResult {
    let output: MessageShape<DescMessage>;
    const fresh = !isMessage(value);
    try {
      output = fresh ? route.createOutput(value as MessageInitShape<DescMessage>) : create(route.method.output, value);
    } catch (e) {
      throw this.#fail(route, scope, transport, start, invalidAnswer(route, e));
    }
    const endedAt = this.#end(route, scope, transport, start, undefined);
    return { output, fresh, headers: scope.responseRecord(), trailers: scope.trailerRecord(), endedAt };
  }

  #fail(route: Route, scope: CallScope, transport: Transport, start: number, e: unknown): BricksError {
    const reason = scope.reason;
    const error = reason !== undefined && !(e instanceof BricksError) ? reason : BricksError.from(e, 'internal');
    if (error.code === 'internal' || error.code === 'unknown') {
      this.opts.logger.error({ err: e, method: route.name }, 'handler failed');
    }
    this.#end(route, scope, transport, start, error);
    return error;
  }

  /** Ends the call's span and records it; returns when it ended. */
  #end(route: Route, scope: CallScope, transport: Transport, start: number, error: BricksError | undefined): number {
    scope.dispose();
    finishRpcSpan(scope.span, error);
    const code = error?.code ?? 'ok';
    const byCode = (route.series[transport] ??= {});
    const series = (byCode[code] ??= serverSeries(route.name, code, transport));
    const end = performance.now();
    series.observe((end - start) / 1000);
    if (--this.#inFlight === 0 && this.#idle.length > 0) for (const r of this.#idle.splice(0)) r();
    return end;
  }
}

/** A value no encoder would send is the handler's fault (internal), not the caller's (invalid_argument). */
function invalidAnswer(route: Route, e: unknown): unknown {
  return e instanceof BricksError && e.code === 'invalid_argument' ? new BricksError('internal', `${route.name} answered with ${e.rawMessage}`, { cause: e }) : e;
}

const noHeaders: Readonly<Record<string, string>> = Object.freeze({});
/** How an inline call arrives, for its guard: in-process, with no headers (so no tokens). */
const inlineArrival = Object.freeze({ headers: noHeaders, transport: 'in-process' as const });

type Unary = (input: MessageShape<DescMessage>, scope: CallScope) => unknown;

/**
 * A message of only scalar fields is made from a plain object by its copier: what `create`
 * gives, with the values checked as the encoder would (a remote call could not send an int32
 * field of 2**40 either), at about half the cost. Other messages go through `create`.
 */
function outputCreator(desc: DescMessage): (init: MessageInitShape<DescMessage>) => MessageShape<DescMessage> {
  if (!isFlat(desc)) return (init) => create(desc, init);
  const copy = messageCopier(desc);
  return (init) => copy(init as MessageShape<DescMessage>);
}
