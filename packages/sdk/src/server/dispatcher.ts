// The server's core, shared by every transport: finds the handler for a method path and runs
// it with a deadline, a call context (AsyncLocalStorage), a server span, metrics and error
// mapping. Transports only decode, call invoke(), and encode.
import { create, isMessage, type DescMessage, type DescMethodUnary, type MessageShape } from '@bufbuild/protobuf';
import { runInCall } from '../context/call-context.ts';
import { abortError, deadlineSignal } from '../context/deadline.ts';
import { BricksError } from '../errors/index.ts';
import type { Logger } from '../telemetry/logger.ts';
import { rpcMetrics } from '../telemetry/metrics.ts';
import { contextFromHeaders } from '../telemetry/trace-context.ts';
import { endRpcSpan, startRpcSpan } from '../telemetry/tracing.ts';
import { methodPath } from '../transport/channel.ts';
import type { HandlerContext, ServiceImplementation, UnaryHandler } from './implement.ts';

export interface Route {
  readonly path: string;
  /** `package.Service/Method`, the metrics label. */
  readonly name: string;
  readonly method: DescMethodUnary;
  readonly handler: UnaryHandler<DescMessage, DescMessage> | undefined;
}

export interface IncomingCall {
  /** Absolute deadline from the wire; undefined when the caller sent none. */
  readonly deadline: number | undefined;
  readonly signal?: AbortSignal;
  readonly headers: Headers;
  readonly transport: HandlerContext['transport'];
  /** The signal already aborts at `deadline` (an in-process caller's own): reuse it, no second timer. */
  readonly signalHasDeadline?: boolean;
}

export interface DispatcherOptions {
  readonly logger: Logger;
  /** Deadline for calls that arrive without one (every call has one). */
  readonly defaultTimeoutMs: number;
}

export class Dispatcher {
  readonly #routes = new Map<string, Route>();
  readonly #services = new Set<string>();
  #inFlight = 0;
  #idle: (() => void)[] = [];

  constructor(private readonly opts: DispatcherOptions) {}

  add(impl: ServiceImplementation): void {
    if (this.#services.has(impl.service.typeName)) throw new Error(`${impl.service.typeName} is already served`);
    this.#services.add(impl.service.typeName);
    for (const m of impl.service.methods) {
      if (m.methodKind !== 'unary') continue;
      const unary = m as DescMethodUnary;
      const path = methodPath(unary);
      this.#routes.set(path, { path, name: path.slice(1), method: unary, handler: impl.handlers[m.localName] });
    }
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

  async invoke(route: Route, input: MessageShape<DescMessage>, call: IncomingCall): Promise<{ output: MessageShape<DescMessage>; headers: Headers }> {
    const start = performance.now();
    const now = Date.now();
    const deadline = call.deadline ?? now + this.opts.defaultTimeoutMs;
    const { signal, dispose } =
      call.signalHasDeadline && call.signal && call.deadline !== undefined ? { signal: call.signal, dispose: noop } : deadlineSignal(deadline, [call.signal], now);
    const { span, ctx: otel } = startRpcSpan(route.name, 'server', contextFromHeaders(call.headers), {
      'rpc.system': 'bricks',
      'rpc.method': route.name,
      'rpc.bricks.transport': call.transport,
    });
    const responseHeaders = new Headers();
    this.#inFlight++;
    let error: BricksError | undefined;
    try {
      const handler = route.handler;
      if (!handler) throw new BricksError('unimplemented', `${route.name} is not implemented`);
      if (signal.aborted) throw abortError(signal);
      const hctx: HandlerContext = {
        signal,
        deadline,
        requestHeaders: call.headers,
        responseHeaders,
        method: route.name,
        transport: call.transport,
      };
      const result = await runInCall({ deadline, signal, otel, method: route.name }, () => raceAbort(Promise.resolve(handler(input, hctx)), signal));
      const output = isMessage(result, route.method.output) ? result : create(route.method.output, result);
      return { output, headers: responseHeaders };
    } catch (e) {
      error = signal.aborted && !(e instanceof BricksError) ? abortError(signal) : BricksError.from(e, 'internal');
      if (error.code === 'internal' || error.code === 'unknown') {
        this.opts.logger.error({ err: e, method: route.name }, 'handler failed');
      }
      throw error;
    } finally {
      dispose();
      endRpcSpan(span, error);
      rpcMetrics().server.observe({ method: route.name, code: error?.code ?? 'ok', transport: call.transport }, (performance.now() - start) / 1000);
      if (--this.#inFlight === 0) for (const r of this.#idle.splice(0)) r();
    }
  }
}

function noop(): void {}

/** Settles with the handler, or with the abort reason as soon as the signal fires (a handler that ignores its signal must not hold the caller past its deadline). */
function raceAbort<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
