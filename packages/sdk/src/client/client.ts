// client(Service): a typed client whose methods return promises. Each call gets a deadline
// (inherited from the handler it runs in, never infinite), a client span and traceparent,
// metrics, and then either the in-process path (co-located service) or the remote path:
// bulkhead → breaker → balanced endpoint → retry when safe, within the retry budget.
import { create, type DescMessage, type DescMethodUnary, type DescService, type MessageInitShape, type MessageShape } from '@bufbuild/protobuf';
import { MethodOptions_IdempotencyLevel } from '@bufbuild/protobuf/wkt';
import { BulkheadRejectedError } from 'cockatiel';
import { readPlatformEnv } from '../config/platform-env.ts';
import { currentCall } from '../context/call-context.ts';
import { abortError, deadlineSignal } from '../context/deadline.ts';
import { resolveTarget } from '../discovery/resolve.ts';
import { BricksError } from '../errors/index.ts';
import { backoffDelay } from '../resilience/backoff.ts';
import { defaultRetryBudget, parseResilience, resolvePolicy, type Policy, type ResilienceSpec } from '../resilience/policy.ts';
import { countsAsFailure, retryVerdict } from '../resilience/retryable.ts';
import { localDispatcher } from '../server/local-registry.ts';
import { rpcMetrics } from '../telemetry/metrics.ts';
import { formatTraceparent } from '../telemetry/trace-context.ts';
import { endRpcSpan, startRpcSpan } from '../telemetry/tracing.ts';
import { context as otelContext } from '@opentelemetry/api';
import { methodPath, type Protocol, type UnaryResult } from '../transport/channel.ts';
import { loadFast } from '../transport/fast-module.ts';
import { inProcessChannel } from '../transport/in-process.ts';
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
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface CallOptions {
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  readonly headers?: HeadersLike;
  /** Receives the response headers. */
  readonly onHeaders?: (headers: Headers) => void;
}

export type Client<S extends DescService> = {
  readonly [K in keyof S['method']]: S['method'][K] extends DescMethodUnary<infer I, infer O>
    ? (request: MessageInitShape<I>, options?: CallOptions) => Promise<MessageShape<O>>
    : never;
};

/** `arcade.v1.CatalogService` → `catalog`; `GameStatsService` → `game-stats`. */
export function defaultTargetName(service: DescService): string {
  return service.name
    .replace(/Service$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase();
}

const targets = new Map<string, Promise<Target>>();

export function client<S extends DescService>(service: S, opts: ClientOptions = {}): Client<S> {
  const targetName = opts.target ?? defaultTargetName(service);
  const env = opts.env ?? process.env;
  const spec = opts.resilience ?? parseResilience(readPlatformEnv(env).resilience);
  const baseHeaders = new Headers(opts.headers);
  const methods: Record<string, (req: MessageInitShape<DescMessage>, o?: CallOptions) => Promise<MessageShape<DescMessage>>> = {};

  const remote = (): Promise<Target> => {
    const key = `${targetName}|${opts.url ?? ''}|${opts.protocol ?? ''}`;
    let t = targets.get(key);
    if (!t) {
      t = (async () => {
        const fast = await loadFast();
        const protocol = opts.protocol ?? (env.BRICKS_PROTOCOL as Protocol | undefined) ?? (fast ? 'fast' : 'connect');
        const source = resolveTarget(targetName, { url: opts.url, env });
        if (!source) throw new BricksError('unavailable', `no address for service "${targetName}": set ${targetName.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_URL or run under bricks`, { unsent: true });
        return new Target(targetName, source, protocol, fast, resolvePolicy(spec, targetName, undefined), spec.retryBudget ?? defaultRetryBudget);
      })();
      t.catch(() => targets.delete(key));
      targets.set(key, t);
    }
    return t;
  };

  for (const m of service.methods) {
    if (m.methodKind !== 'unary') continue;
    const method = m as DescMethodUnary;
    const path = methodPath(method);
    const name = path.slice(1);
    const policy = resolvePolicy(spec, targetName, name);
    const idempotent = method.idempotency !== MethodOptions_IdempotencyLevel.IDEMPOTENCY_UNKNOWN;
    methods[m.localName] = async (request, callOpts = {}) => {
      const start = performance.now();
      const now = Date.now();
      const parent = currentCall();
      const timeoutMs = callOpts.timeoutMs ?? opts.timeoutMs ?? policy.timeoutMs;
      const deadline = Math.min(now + timeoutMs, parent?.deadline ?? Infinity);
      const { signal, dispose } = deadlineSignal(deadline, [callOpts.signal, parent?.signal], now);
      const { span } = startRpcSpan(name, 'client', parent?.otel ?? otelContext.active(), {
        'rpc.system': 'bricks',
        'rpc.method': name,
        'rpc.bricks.target': targetName,
      });
      const headers = new Headers(baseHeaders);
      if (callOpts.headers) new Headers(callOpts.headers).forEach((v, k) => headers.set(k, v));
      headers.set('traceparent', formatTraceparent(span.spanContext()));
      let error: BricksError | undefined;
      try {
        const input = create(method.input, request);
        const local = (opts.inProcess ?? true) ? localDispatcher(method.parent.typeName) : undefined;
        const res = local
          ? await inProcessChannel(local).unary({ method, input, timeoutMs: deadline - Date.now(), signal, headers })
          : await callRemote(await remote(), { method, input, deadline, signal, headers, policy, idempotent });
        callOpts.onHeaders?.(res.headers);
        return res.output;
      } catch (e) {
        error = signal.aborted && !(e instanceof BricksError) ? abortError(signal) : BricksError.from(e);
        throw error;
      } finally {
        dispose();
        endRpcSpan(span, error);
        rpcMetrics().client.observe({ target: targetName, method: name, code: error?.code ?? 'ok' }, (performance.now() - start) / 1000);
      }
    };
  }
  return methods as unknown as Client<S>;
}

interface RemoteCall {
  readonly method: DescMethodUnary;
  readonly input: MessageShape<DescMessage>;
  readonly deadline: number;
  readonly signal: AbortSignal;
  readonly headers: Headers;
  readonly policy: Policy;
  readonly idempotent: boolean;
}

async function callRemote(t: Target, call: RemoteCall): Promise<UnaryResult> {
  try {
    return await t.bulkhead.execute(() => attempts(t, call), call.signal);
  } catch (e) {
    if (e instanceof BulkheadRejectedError) {
      throw new BricksError('resource_exhausted', `too many concurrent calls to ${t.name} (bulkhead ${t.bulkhead.executionSlots} free)`, { cause: e, unsent: true });
    }
    throw e;
  }
}

async function attempts(t: Target, call: RemoteCall): Promise<UnaryResult> {
  if (t.source.current().length === 0) await Promise.race([t.source.ready(), aborted(call.signal)]);
  t.refresh();
  t.budget.onCall();
  const tried = new Set<string>();
  for (let attempt = 0; ; attempt++) {
    if (call.signal.aborted) throw abortError(call.signal);
    if (!t.breaker.tryAcquire()) throw new BricksError('unavailable', `circuit open for ${t.name}`, { unsent: true });
    const ep = t.balancer.pick(tried);
    let err: BricksError;
    if (!ep) {
      t.breaker.onNeutral();
      err = new BricksError('unavailable', `no ready endpoint for ${t.name}`, { unsent: true });
    } else {
      ep.outstanding++;
      try {
        const res = await t.call(ep.endpoint.url, (ch) => ch.unary({ ...call, timeoutMs: Math.max(1, call.deadline - Date.now()) }));
        t.breaker.onSuccess();
        t.balancer.onSuccess(ep);
        return res;
      } catch (e) {
        err = call.signal.aborted ? abortError(call.signal) : BricksError.from(e);
        if (err.code === 'cancelled') t.breaker.onNeutral();
        else if (countsAsFailure(err.code)) {
          t.breaker.onFailure();
          t.balancer.onFailure(ep, err.unsent);
        } else {
          // The target answered with an application error: it is healthy.
          t.breaker.onSuccess();
          t.balancer.onSuccess(ep);
        }
        if (call.signal.aborted) throw err;
      } finally {
        ep.outstanding--;
      }
      tried.add(ep.endpoint.id);
    }
    const verdict = retryVerdict(err, call.idempotent);
    if (verdict === 'no' || attempt >= call.policy.retries.max) throw err;
    if (verdict === 'idempotent' && !t.budget.tryRetry()) throw err;
    // A refused connection is retried at once on an endpoint not tried yet; otherwise back off.
    const untried = t.balancer.states.some((s) => !tried.has(s.endpoint.id));
    const wait = verdict === 'unsent' && untried ? 0 : backoffDelay(attempt, call.policy.retries.backoffMs, call.policy.retries.maxBackoffMs);
    if (Date.now() + wait >= call.deadline) throw err;
    if (wait > 0) await sleep(wait, call.signal);
    if (!untried) tried.clear();
  }
}

function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(abortError(signal));
    else signal.addEventListener('abort', () => reject(abortError(signal)), { once: true });
  });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Closes every remote channel and watcher of this process (tests, shutdown). */
export async function closeClients(): Promise<void> {
  const all = [...targets.values()];
  targets.clear();
  for (const t of await Promise.allSettled(all)) if (t.status === 'fulfilled') t.value.close();
}

