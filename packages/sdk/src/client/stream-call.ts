// A client's streaming call, of any of the three streaming kinds: the caller's messages (plain
// objects or messages) go out as the callee reads them, its answers come back as the caller
// reads them. Every stream has a deadline (as a unary call), a client span and metrics, goes
// in-process to a co-located service, and remotely takes a bulkhead slot and a balanced
// endpoint under the breaker for as long as it runs. It is not retried. Stopping to read (a
// `break` in the caller's `for await`) cancels it.
import { performance } from 'node:perf_hooks';
import { create, type DescMessage, type DescMethod, type MessageInitShape, type MessageShape } from '@bufbuild/protobuf';
import type { Attributes } from '@opentelemetry/api';
import type { CallScope } from '../context/call-scope.ts';
import { clockAt } from '../context/clock.ts';
import { abortError } from '../context/deadline.ts';
import { BricksError } from '../errors/index.ts';
import type { Policy } from '../resilience/policy.ts';
import { withTraceHeaders } from '../tracing/trace-context.ts';
import { beginRpcSpan, type RpcSpan } from '../tracing/rpc-span.ts';
import type { StreamResult } from '../transport/channel.ts';
import { streamAttempt } from './attempts.ts';
import type { InProcessRoute } from './in-process-route.ts';
import type { Target } from './target.ts';

type Message = MessageShape<DescMessage>;

export interface StreamPlan {
  readonly method: DescMethod;
  readonly path: string;
  readonly name: string;
  readonly policy: Policy;
  readonly attributes: () => Attributes;
}

export interface StreamOptions {
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  readonly headers: Readonly<Record<string, string>>;
  readonly onHeaders?: (headers: Headers) => void;
  readonly onTrailers?: (trailers: Headers) => void;
}

/** What the stream needs of its client. */
export interface StreamHost {
  readonly defaultTimeoutMs: number | undefined;
  local(): InProcessRoute | undefined;
  remote(): Promise<Target>;
  end(span: RpcSpan, start: number, error: BricksError | undefined): void;
}

export async function* streamCall(host: StreamHost, plan: StreamPlan, input: AsyncIterable<MessageInitShape<DescMessage>>, o: StreamOptions, parent: CallScope | undefined): AsyncGenerator<Message, void, undefined> {
  const start = performance.now();
  const now = clockAt(start);
  let deadline = now + (o.timeoutMs ?? host.defaultTimeoutMs ?? plan.policy.timeoutMs);
  if (parent !== undefined && parent.deadline < deadline) deadline = parent.deadline;
  const span = beginRpcSpan(plan.name, 'client', parent?.spanContext, plan.attributes);
  // Ours: the caller stopping to read ends the call.
  const own = new AbortController();
  const signals = [own.signal];
  if (o.signal !== undefined) signals.push(o.signal);
  if (parent !== undefined) signals.push(parent.signal);
  const signal = signals.length === 1 ? own.signal : AbortSignal.any(signals);
  const requests = messages(plan.method, input);
  let error: BricksError | undefined;
  let finished = false;
  let release: ((err: BricksError | undefined) => void) | undefined;
  try {
    if (o.signal?.aborted === true) throw abortError(o.signal);
    if (parent?.reason !== undefined) throw parent.reason;
    if (deadline <= now) throw new BricksError('deadline_exceeded', 'deadline already passed');
    const local = host.local();
    let res: StreamResult;
    if (local !== undefined) {
      res = await local.stream(requests, { deadline, cancel: { signal }, headers: o.headers, parentSpan: span.context, transport: 'in-process', startedAt: start });
    } else {
      const target = await host.remote();
      const headers = withTraceHeaders(o.headers, span.context);
      const opened = await streamAttempt(target, { method: plan.method, path: plan.path, input: requests, deadline, signal, headers, waits: undefined });
      release = opened.done;
      res = opened.result;
    }
    o.onHeaders?.(new Headers(res.headers));
    for await (const m of res.output) yield m;
    o.onTrailers?.(new Headers(res.trailers() ?? {}));
    finished = true;
  } catch (e) {
    error = signal.aborted && !(e instanceof BricksError && e.code !== 'cancelled') ? abortError(signal) : BricksError.from(e);
    throw error;
  } finally {
    if (!finished && error === undefined) {
      // The caller stopped reading: the stream is cancelled (the callee is told) and recorded so.
      error = new BricksError('cancelled', 'the caller stopped reading the stream');
      own.abort(error);
    }
    release?.(error);
    host.end(span, start, error);
  }
}

/** The caller's requests as messages of the method's input type. */
async function* messages(method: DescMethod, input: AsyncIterable<MessageInitShape<DescMessage>>): AsyncGenerator<Message, void, undefined> {
  for await (const init of input) yield create(method.input, init);
}
