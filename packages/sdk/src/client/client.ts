// client(Service): a typed client whose methods return promises. Each call gets a deadline
// (inherited from the handler it runs in, never infinite), a client span and traceparent,
// metrics, and then either the in-process path (co-located service) or the remote path
// (attempts.ts: bulkhead → breaker → balanced endpoint → retry when safe, within the retry budget).
// The per-call work is kept to numbers and plain records: no AbortSignal unless something
// can cancel the call, no timer (transports and the dispatcher enforce the deadline), no
// Headers object unless the caller asks for the response headers.
import { performance } from 'node:perf_hooks';
import {
  create,
  isMessage,
  type DescMessage,
  type DescMethod,
  type DescMethodBiDiStreaming,
  type DescMethodClientStreaming,
  type DescMethodServerStreaming,
  type DescMethodUnary,
  type DescService,
  type MessageInitShape,
  type MessageShape,
} from '@bufbuild/protobuf';
import { MethodOptions_IdempotencyLevel } from '@bufbuild/protobuf/wkt';
import type { Attributes } from '@opentelemetry/api';
import { readPlatformEnv, serviceUrlVariable } from '../config/platform-env.ts';
import { PROTOCOL_VARIABLE } from '../config/platform-env-names.js';
import { withIdentity } from '../auth/outgoing.ts';
import { currentScope } from '../context/call-context.ts';
import { startTracing } from '../tracing/export.ts';
import type { CallScope, CancelSource } from '../context/call-scope.ts';
import { clockAt } from '../context/clock.ts';
import { abortError } from '../context/deadline.ts';
import { resolveTarget } from '../discovery/resolve.ts';
import { BricksError } from '../errors/index.ts';
import { defaultRetryBudget, parseResilience, resolvePolicy, resolveThrottle, type Policy, type ResilienceSpec } from '../resilience/policy.ts';
import type { InvokeResult } from '../server/dispatcher.ts';
import { localDispatcher, localVersion } from '../server/local-registry.ts';
import { clientSeries, type HistogramSeries } from '../telemetry/metrics.ts';
import { withTraceHeaders } from '../tracing/trace-context.ts';
import { beginRpcSpan, finishRpcSpan, idsOnlySpan, tracingEnabled, type RpcSpan } from '../tracing/rpc-span.ts';
import { methodPath, type Protocol } from '../transport/channel.ts';
import { loadFast } from '../transport/fast-module.ts';
import { attempts, type RemoteCall } from './attempts.ts';
import { InProcessRoute } from './in-process-route.ts';
import type { Interceptor } from '../interceptors/interceptor.ts';
import { interceptedStream, interceptedUnary } from './intercepted-call.ts';
import { streamCall, type StreamHost } from './stream-call.ts';
import { Target } from './target.ts';

/** Anything `new Headers()` takes. */
export type HeadersLike = ConstructorParameters<typeof Headers>[0];

export interface ClientOptions {
  /** The target service's name in the stack. Default: from the descriptor (`CatalogService` → `catalog`). */
  readonly target?: string;
  /** Call this url instead of discovering the target (tests, external services). */
  readonly url?: string;
  /** Wire protocol to remote endpoints. Default: $BRICKS_PROTOCOL, else `fast` when available, else `connect`. */
  readonly protocol?: Protocol;
  /** Default timeout for this client's calls (a per-call timeoutMs wins; the policy's is the fallback). */
  readonly timeoutMs?: number;
  /** Headers sent with every call. */
  readonly headers?: HeadersLike;
  /** Call a co-located implementation in-process when this process serves the service. Default true. */
  readonly inProcess?: boolean;
  /** Policies; default: BRICKS_RESILIENCE. */
  readonly resilience?: ResilienceSpec;
  /** Around every call of this client, outermost first (see interceptors/interceptor.ts). */
  readonly interceptors?: readonly Interceptor[];
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface CallOptions {
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  readonly headers?: HeadersLike;
  /** Receives the response headers. */
  readonly onHeaders?: (headers: Headers) => void;
  /** Receives a stream's trailers once it ended. */
  readonly onTrailers?: (trailers: Headers) => void;
}

/**
 * A method per RPC: unary ones return a promise; a server stream is an async iterable of
 * answers; a client stream takes an async iterable of requests; a bidi stream does both.
 */
export type Client<S extends DescService> = {
  readonly [K in keyof S['method']]: S['method'][K] extends DescMethodUnary<infer I, infer O>
    ? (request: MessageInitShape<I>, options?: CallOptions) => Promise<MessageShape<O>>
    : S['method'][K] extends DescMethodServerStreaming<infer I, infer O>
      ? (request: MessageInitShape<I>, options?: CallOptions) => AsyncIterable<MessageShape<O>>
      : S['method'][K] extends DescMethodClientStreaming<infer I, infer O>
        ? (requests: AsyncIterable<MessageInitShape<I>>, options?: CallOptions) => Promise<MessageShape<O>>
        : S['method'][K] extends DescMethodBiDiStreaming<infer I, infer O>
          ? (requests: AsyncIterable<MessageInitShape<I>>, options?: CallOptions) => AsyncIterable<MessageShape<O>>
          : never;
};

/** `arcade.v1.CatalogService` → `catalog`; `GameStatsService` → `game-stats`. */
export function defaultTargetName(service: DescService): string {
  return service.name
    .replace(/Service$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase();
}

type Message = MessageShape<DescMessage>;

/** Everything about one method that does not change from call to call. */
interface MethodPlan {
  /** A unary method's plan is only ever called as one (channels take DescMethodUnary). */
  readonly method: DescMethodUnary;
  readonly path: string;
  /** `package.Service/Method`. */
  readonly name: string;
  readonly policy: Policy;
  readonly idempotent: boolean;
  readonly attributes: () => Attributes;
  /** Client histogram series by code, resolved on first use. */
  readonly series: Partial<Record<string, HistogramSeries>>;
  /** The co-located route, valid while the local registry's version is `localVersion`. */
  local: InProcessRoute | undefined;
  localVersion: number;
}

const targets = new Map<string, Promise<Target>>();
/** Bumped by closeClients(): clients drop the targets they resolved before. */
let generation = 0;
const noOptions: CallOptions = {};

export function client<S extends DescService>(service: S, opts: ClientOptions = {}): Client<S> {
  // A process that only calls (a gateway, a job) exports its spans too.
  startTracing(process.env);
  const core = new ServiceClient(service, opts);
  const methods: Record<string, unknown> = {};
  for (const m of service.methods) {
    const plan = core.plan(m);
    const kind = m.methodKind;
    switch (kind) {
      case 'unary':
        methods[m.localName] = (request: MessageInitShape<DescMessage>, callOpts: CallOptions = noOptions) => core.call(plan, request, callOpts);
        break;
      case 'server_streaming':
        methods[m.localName] = (request: MessageInitShape<DescMessage>, callOpts: CallOptions = noOptions) => core.stream(plan, one(request), callOpts);
        break;
      case 'client_streaming':
        methods[m.localName] = (requests: AsyncIterable<MessageInitShape<DescMessage>>, callOpts: CallOptions = noOptions) => lastOf(core.stream(plan, requests, callOpts), plan.name);
        break;
      case 'bidi_streaming':
        methods[m.localName] = (requests: AsyncIterable<MessageInitShape<DescMessage>>, callOpts: CallOptions = noOptions) => core.stream(plan, requests, callOpts);
        break;
      default: {
        const never: never = kind;
        throw new Error(`unhandled method kind ${String(never)}`);
      }
    }
  }
  return methods as Client<S>;
}

class ServiceClient {
  readonly #service: DescService;
  readonly #targetName: string;
  readonly #opts: ClientOptions;
  readonly #env: Readonly<Record<string, string | undefined>>;
  readonly #spec: ResilienceSpec;
  readonly #headers: Readonly<Record<string, string>>;
  /** No default headers: calls without options may take the co-located lane. */
  readonly #noHeaders: boolean;
  readonly #inProcess: boolean;
  readonly #interceptors: readonly Interceptor[];
  #target: Target | undefined;
  #targetGeneration = -1;

  constructor(service: DescService, opts: ClientOptions) {
    this.#service = service;
    this.#opts = opts;
    this.#targetName = opts.target ?? defaultTargetName(service);
    this.#env = opts.env ?? process.env;
    this.#spec = opts.resilience ?? parseResilience(readPlatformEnv(this.#env).resilience);
    this.#headers = headerRecord(opts.headers);
    this.#noHeaders = Object.keys(this.#headers).length === 0;
    this.#inProcess = opts.inProcess ?? true;
    this.#interceptors = opts.interceptors ?? [];
  }

  plan(method: DescMethod): MethodPlan {
    const path = methodPath(method);
    const name = path.slice(1);
    const target = this.#targetName;
    return {
      method: method as DescMethodUnary,
      path,
      name,
      policy: resolvePolicy(this.#spec, target, name),
      idempotent: method.idempotency !== MethodOptions_IdempotencyLevel.IDEMPOTENCY_UNKNOWN,
      attributes: () => ({ 'rpc.system': 'bricks', 'rpc.method': name, 'rpc.bricks.target': target }),
      series: {},
      local: undefined,
      localVersion: -1,
    };
  }

  call(plan: MethodPlan, request: MessageInitShape<DescMessage>, o: CallOptions): Promise<Message> {
    if (this.#interceptors.length > 0) return this.#interceptedCall(plan, request, o);
    return this.#call(plan, request, o);
  }

  /** Where a call starts for its interceptors: the deadline and headers it would have. */
  #callStart(plan: MethodPlan, o: CallOptions) {
    const parent = currentScope();
    let deadline = clockAt(performance.now()) + (o.timeoutMs ?? this.#opts.timeoutMs ?? plan.policy.timeoutMs);
    if (parent !== undefined && parent.deadline < deadline) deadline = parent.deadline;
    const signal = o.signal !== undefined && parent !== undefined ? AbortSignal.any([o.signal, parent.signal]) : (o.signal ?? parent?.signal);
    const headers = o.headers === undefined ? this.#headers : { ...this.#headers, ...headerRecord(o.headers) };
    return { deadline, signal, headers, transport: this.#local(plan) !== undefined ? ('in-process' as const) : ('remote' as const) };
  }

  async #interceptedCall(plan: MethodPlan, request: MessageInitShape<DescMessage>, o: CallOptions): Promise<Message> {
    const reply = await interceptedUnary(this.#interceptors, plan, this.#callStart(plan, o), request, (message, inner) =>
      this.#call(plan, message, { timeoutMs: inner.timeoutMs, signal: inner.signal, headers: inner.headers, onHeaders: inner.onHeaders }),
    );
    o.onHeaders?.(reply.headers);
    return reply.message;
  }

  #call(plan: MethodPlan, request: MessageInitShape<DescMessage>, o: CallOptions): Promise<Message> {
    const start = performance.now();
    const now = clockAt(start);
    const parent = currentScope();
    let deadline = now + (o.timeoutMs ?? this.#opts.timeoutMs ?? plan.policy.timeoutMs);
    if (parent !== undefined && parent.deadline < deadline) deadline = parent.deadline;
    const local = this.#local(plan);
    // Nothing for the general path to report (options, a cancelled parent, a passed deadline):
    // the co-located lane, when the callee allows it.
    if (o === noOptions && this.#noHeaders && local?.inlinable === true && parent?.reason === undefined && deadline > now && !tracingEnabled()) {
      const r = this.#inline(plan, local, request, start, deadline, parent);
      if (r !== undefined) return r;
    }
    const span = beginRpcSpan(plan.name, 'client', parent?.spanContext, plan.attributes);
    const signal = o.signal;
    let input: Message;
    let fresh: boolean;
    try {
      if (signal?.aborted) throw abortError(signal);
      if (parent?.reason !== undefined) throw parent.reason;
      if (deadline <= now) throw new BricksError('deadline_exceeded', 'deadline already passed');
      const own = local?.own(request);
      if (own !== undefined) {
        input = own;
        fresh = true;
      } else {
        // A request given as a plain object becomes a message of our own: nothing else holds it.
        fresh = !isMessage(request);
        input = create(plan.method.input, request);
      }
    } catch (e) {
      return Promise.reject(this.#end(plan, span, start, BricksError.from(e)));
    }
    const headers = o.headers === undefined ? this.#headers : { ...this.#headers, ...headerRecord(o.headers) };
    if (local !== undefined) return this.#callLocal(plan, local, span, start, input, fresh, deadline, headers, parent, o);
    // TODO(interceptors): attaching the identity token becomes a client interceptor once they land.
    return this.#callRemote(plan, span, start, input, deadline, withIdentity(withTraceHeaders(headers, span.context), this.#targetName, this.#env), parent, o);
  }

  /** A streaming call (see stream-call.ts): an async iterable that starts the call when first read. */
  stream(plan: MethodPlan, input: AsyncIterable<MessageInitShape<DescMessage>>, o: CallOptions): AsyncIterable<Message> {
    const host: StreamHost = {
      defaultTimeoutMs: this.#opts.timeoutMs,
      local: () => this.#local(plan),
      remote: () => (this.#target !== undefined && this.#targetGeneration === generation ? Promise.resolve(this.#target) : this.#remote()),
      end: (span, start, error) => void this.#end(plan, span, start, error),
    };
    const parent = currentScope();
    if (this.#interceptors.length > 0) {
      return interceptedStream(this.#interceptors, plan, this.#callStart(plan, o), input, (messages, inner) =>
        streamCall(host, plan, messages, { timeoutMs: inner.timeoutMs, signal: inner.signal, headers: headerRecord(inner.headers), onHeaders: (h) => (inner.onHeaders(h), o.onHeaders?.(h)), onTrailers: (h) => (inner.onTrailers(h), o.onTrailers?.(h)) }, parent),
      );
    }
    const headers = o.headers === undefined ? this.#headers : { ...this.#headers, ...headerRecord(o.headers) };
    return streamCall(host, plan, input, { ...o, headers }, parent);
  }

  /**
   * The co-located lane: a call with no options to a co-located handler that answers
   * synchronously, while no tracer is registered. The same deadline, spans, copies, metrics and
   * errors as the general path, with no intermediate objects. Undefined when the request is one
   * no encoder would send: the general path reports that.
   */
  #inline(plan: MethodPlan, local: InProcessRoute, request: MessageInitShape<DescMessage>, start: number, deadline: number, parent: CallScope | undefined): Promise<Message> | undefined {
    let input: Message | undefined;
    try {
      input = local.own(request);
    } catch {
      return undefined;
    }
    if (input === undefined) return undefined;
    const span = idsOnlySpan(parent?.spanContext);
    let out: Message | Promise<InvokeResult>;
    try {
      out = local.inline(input, deadline, span.context, parent, start);
    } catch (e) {
      return Promise.reject(this.#end(plan, span, start, BricksError.from(e)));
    }
    if (out instanceof Promise) {
      return this.#settleLocal(plan, span, start, out, noOptions);
    }
    this.#end(plan, span, start, undefined, local.inlineEndedAt);
    return Promise.resolve(out);
  }

  /** The co-located route for this method, looked up again only when local services changed. */
  #local(plan: MethodPlan): InProcessRoute | undefined {
    if (!this.#inProcess) return undefined;
    const v = localVersion();
    if (plan.localVersion !== v) {
      plan.localVersion = v;
      const d = localDispatcher(this.#service.typeName);
      const route = d?.route(plan.path);
      plan.local = d && route ? new InProcessRoute(d, route) : undefined;
    }
    return plan.local;
  }

  #callLocal(
    plan: MethodPlan,
    local: InProcessRoute,
    span: RpcSpan,
    start: number,
    input: Message,
    fresh: boolean,
    deadline: number,
    headers: Readonly<Record<string, string>>,
    parent: CallScope | undefined,
    o: CallOptions,
  ): Promise<Message> {
    let r: InvokeResult | Promise<InvokeResult>;
    try {
      r = local.call(input, fresh, { deadline, cancel: cancelSource(parent, o.signal), headers, parentSpan: span.context, transport: 'in-process', startedAt: start });
      // Answered synchronously: the callee's end is ours (one clock reading for both).
      if (!(r instanceof Promise)) return Promise.resolve(this.#succeed(plan, span, start, r, o, r.endedAt));
    } catch (e) {
      return Promise.reject(this.#end(plan, span, start, BricksError.from(e)));
    }
    const signal = o.signal;
    // The caller's own signal ends the call at once, even when the handler ignores its signal.
    const settled = signal === undefined ? r : raceSignal(r, signal);
    return this.#settleLocal(plan, span, start, settled, o);
  }

  /** A co-located handler's pending answer: the call's result, or its error, recorded. */
  #settleLocal(plan: MethodPlan, span: RpcSpan, start: number, pending: Promise<InvokeResult>, o: CallOptions): Promise<Message> {
    return pending.then(
      (res) => this.#succeed(plan, span, start, res, o),
      (e: unknown) => {
        throw this.#end(plan, span, start, BricksError.from(e));
      },
    );
  }

  async #callRemote(
    plan: MethodPlan,
    span: RpcSpan,
    start: number,
    input: Message,
    deadline: number,
    headers: Readonly<Record<string, string>>,
    parent: CallScope | undefined,
    o: CallOptions,
  ): Promise<Message> {
    // Only a caller's signal or the handler we run in can cancel the call; the deadline is the
    // transport's to enforce. The handler's signal is made here, once per handler at most.
    const user = o.signal;
    const signal = user !== undefined && parent !== undefined ? AbortSignal.any([user, parent.signal]) : (user ?? parent?.signal);
    const call: RemoteCall = { plan, input, deadline, signal, headers, waits: undefined };
    let error: BricksError | undefined;
    try {
      const t = this.#target !== undefined && this.#targetGeneration === generation ? this.#target : await this.#remote();
      const res = await attempts(t, call);
      o.onHeaders?.(new Headers(res.headers));
      return res.output;
    } catch (e) {
      error = signal?.aborted && !(e instanceof BricksError) ? abortError(signal) : BricksError.from(e);
      throw error;
    } finally {
      call.waits?.dispose();
      this.#end(plan, span, start, error);
    }
  }

  #succeed(plan: MethodPlan, span: RpcSpan, start: number, r: InvokeResult, o: CallOptions, end?: number): Message {
    try {
      o.onHeaders?.(new Headers(r.headers));
    } catch (e) {
      throw this.#end(plan, span, start, BricksError.from(e));
    }
    this.#end(plan, span, start, undefined, end);
    return r.output;
  }

  /** Ends the span and records the call; returns the error, if any, for throwing. */
  #end<E extends BricksError | undefined>(plan: MethodPlan, span: RpcSpan, start: number, error: E, end = performance.now()): E {
    finishRpcSpan(span, error);
    const code = error?.code ?? 'ok';
    const series = (plan.series[code] ??= clientSeries(this.#targetName, plan.name, code));
    series.observe((end - start) / 1000);
    return error;
  }

  #remote(): Promise<Target> {
    const opts = this.#opts;
    const env = this.#env;
    const targetName = this.#targetName;
    const key = `${targetName}|${opts.url ?? ''}|${opts.protocol ?? ''}`;
    let t = targets.get(key);
    if (!t) {
      t = (async () => {
        const fast = await loadFast();
        const protocol = opts.protocol ?? (env[PROTOCOL_VARIABLE] as Protocol | undefined) ?? (fast ? 'fast' : 'connect');
        const source = resolveTarget(targetName, { url: opts.url, env });
        if (!source) throw new BricksError('unavailable', `no address for service "${targetName}": set ${serviceUrlVariable(targetName)} or run under bricks`, { unsent: true });
        return new Target(targetName, source, protocol, fast, resolvePolicy(this.#spec, targetName, undefined), this.#spec.retryBudget ?? defaultRetryBudget, resolveThrottle(this.#spec));
      })();
      t.catch(() => targets.delete(key));
      targets.set(key, t);
    }
    const gen = generation;
    return t.then((target) => {
      if (gen === generation) {
        this.#target = target;
        this.#targetGeneration = gen;
      }
      return target;
    });
  }
}

async function* one(m: MessageInitShape<DescMessage>): AsyncGenerator<MessageInitShape<DescMessage>, void, undefined> {
  yield m;
}

/** A client stream's one answer. */
async function lastOf(answers: AsyncIterable<Message>, name: string): Promise<Message> {
  let answer: Message | undefined;
  for await (const m of answers) answer = m;
  if (answer === undefined) throw new BricksError('internal', `${name} ended without an answer`);
  return answer;
}

/** What can cancel an in-process call: the caller's signal and the handler it runs in, read lazily. */
function cancelSource(parent: CallScope | undefined, user: AbortSignal | undefined): CancelSource | undefined {
  if (user === undefined) return parent;
  if (parent === undefined) return { signal: user };
  let both: AbortSignal | undefined;
  return {
    get signal() {
      return (both ??= AbortSignal.any([user, parent.signal]));
    },
  };
}

/** Headers as a record with lowercase names (what `Headers` would send). */
function headerRecord(h: HeadersLike | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (h !== undefined) new Headers(h).forEach((v, k) => (out[k] = v));
  return out;
}

function raceSignal<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortError(signal));
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
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

/** Closes every remote channel and watcher of this process (tests, shutdown). */
export async function closeClients(): Promise<void> {
  generation++;
  const all = [...targets.values()];
  targets.clear();
  for (const t of await Promise.allSettled(all)) if (t.status === 'fulfilled') t.value.close();
}
