// The server's core, shared by every transport: finds the handler for a method path and runs
// it with a deadline, a call context (call-context.ts), a server span, metrics and error
// mapping. Transports only decode, call invoke(), and encode.
import { performance } from 'node:perf_hooks';
import { create, isMessage, type DescMessage, type DescMethodUnary, type MessageInitShape, type MessageShape } from '@bufbuild/protobuf';
import type { Attributes, SpanContext } from '@opentelemetry/api';
import type { Authenticator } from '../auth/authenticator.ts';
import type { Guard } from '../auth/guard.ts';
import { isThenable, runInCall, type HandlerShape } from '../context/call-context.ts';
import { CallScope, type Arrival, type CancelSource } from '../context/call-scope.ts';
import { clockAt } from '../context/clock.ts';
import { BricksError } from '../errors/index.ts';
import type { Logger } from '../telemetry/logger.ts';
import { rpcMetrics, type HistogramSeries } from '../telemetry/metrics.ts';
import { parseTraceparent } from '../tracing/trace-context.ts';
import { beginRpcSpan, finishRpcSpan, idsOnlySpan } from '../tracing/rpc-span.ts';
import { methodPath } from '../transport/channel.ts';
import { isFlat, messageCopier } from '../transport/message-copy.ts';
import { admitted } from './admission.ts';
import type { HandlerContext, ServiceImplementation, UnaryHandler } from './implement.ts';

type Transport = HandlerContext['transport'];

export interface Route {
  readonly path: string;
  /** `package.Service/Method`, the metrics label. */
  readonly name: string;
  readonly method: DescMethodUnary;
  readonly handler: UnaryHandler<DescMessage, DescMessage> | undefined;
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
}

export class Dispatcher {
  readonly #routes = new Map<string, Route>();
  readonly #services = new Set<string>();
  #inFlight = 0;
  #idle: (() => void)[] = [];

  constructor(private readonly opts: DispatcherOptions) {}

  add(impl: ServiceImplementation): void {
    if (this.#services.has(impl.service.typeName)) throw new Error(`${impl.service.typeName} is already served`);
    this.opts.auth?.served(impl.service);
    this.#services.add(impl.service.typeName);
    for (const m of impl.service.methods) {
      if (m.methodKind !== 'unary') continue;
      const unary = m as DescMethodUnary;
      const path = methodPath(unary);
      this.#routes.set(path, { path, name: path.slice(1), method: unary, handler: impl.handlers[m.localName], series: {}, shape: { async: undefined }, attributes: {}, createOutput: outputCreator(unary.output), guard: this.opts.auth?.guard(path.slice(1)) });
    }
    this.opts.onServicesAdded?.();
  }

  serves(serviceTypeName: string): boolean {
    return this.#services.has(serviceTypeName);
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
    const start = call.startedAt ?? performance.now();
    const now = clockAt(start);
    const deadline = call.deadline ?? now + this.opts.defaultTimeoutMs;
    const parent = call.parentSpan ?? parseTraceparent(call.headers.traceparent);
    const transport = call.transport;
    const span = beginRpcSpan(route.name, 'server', parent, (route.attributes[transport] ??= () => ({ 'rpc.system': 'bricks', 'rpc.method': route.name, 'rpc.bricks.transport': transport })));
    const scope = new CallScope(deadline, route.name, span, call);
    this.#inFlight++;
    let result: unknown;
    try {
      const handler = route.handler;
      if (!handler) throw new BricksError('unimplemented', `${route.name} is not implemented`);
      if (deadline <= now) throw new BricksError('deadline_exceeded', 'deadline already passed');
      // TODO(interceptors): the guard becomes the innermost server interceptor once they land.
      result = route.guard === undefined ? runInCall(scope, handler, input, route.shape) : admitted(route.guard, call, scope, handler, input, route.shape);
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
      result = route.guard === undefined ? runInCall(scope, route.handler, input, route.shape) : admitted(route.guard, inlineArrival, scope, route.handler, input, route.shape);
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
    return { output, fresh, headers: scope.responseRecord(), endedAt };
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
    const series = (byCode[code] ??= rpcMetrics().server.labels({ method: route.name, code, transport }));
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
