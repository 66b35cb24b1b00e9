// The remote half of a call: wait for endpoints, take a bulkhead slot, then attempt on
// balanced endpoints under the breaker and the adaptive throttle, retrying when it is safe
// (idempotent, or provably unsent) with back-off inside the retry budget and the deadline.
// A retry after a busy server's refusal spends the budget too: it is more load where there is
// too much already.
import type { DescMethodUnary, DescMessage, MessageShape } from '@bufbuild/protobuf';
import { clockNow } from '../context/clock.ts';
import { abortError, deadlineSignal } from '../context/deadline.ts';
import { BricksError } from '../errors/index.ts';
import { backoffDelay } from '../resilience/backoff.ts';
import type { Policy } from '../resilience/policy.ts';
import { acceptedBy, countsAsFailure, isBusy, retryVerdict } from '../resilience/retryable.ts';
import type { DescMethod } from '@bufbuild/protobuf';
import type { EndpointState } from '../balancer/index.ts';
import type { StreamResult, UnaryResult } from '../transport/channel.ts';
import type { Target } from './target.ts';

/** What the attempts need to know about the method. */
export interface RemotePlan {
  readonly method: DescMethodUnary;
  readonly path: string;
  readonly policy: Policy;
  readonly idempotent: boolean;
}

export interface RemoteCall {
  readonly plan: RemotePlan;
  readonly input: MessageShape<DescMessage>;
  readonly deadline: number;
  readonly signal: AbortSignal | undefined;
  readonly headers: Readonly<Record<string, string>>;
  /** A signal with the deadline in it, for the rare waits (discovery, bulkhead queue, back-off). */
  waits: { readonly signal: AbortSignal; dispose(): void } | undefined;
}

function waitSignal(call: RemoteCall): AbortSignal {
  return (call.waits ??= deadlineSignal(call.deadline, [call.signal])).signal;
}

export async function attempts(t: Target, call: RemoteCall): Promise<UnaryResult> {
  if (t.source.current().length === 0) await Promise.race([t.source.ready(), aborted(waitSignal(call))]);
  t.refresh();
  if (!t.bulkhead.tryEnter()) await t.bulkhead.enter(waitSignal(call), t.name);
  try {
    t.budget.onCall();
    const { plan, signal, deadline } = call;
    let tried: Set<string> | undefined;
    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted) throw abortError(signal);
      if (!t.breaker.tryAcquire()) throw new BricksError('unavailable', `circuit open for ${t.name}`, { unsent: true });
      // Held back here, not retried: a retry would only be held back too.
      if (t.throttle !== undefined && !t.throttle.tryRequest()) {
        t.breaker.onNeutral();
        throw throttled(t);
      }
      let ep = t.balancer.pick(tried);
      // Every listed replica is gone, sick or already tried: the service address's proxy holds
      // the call until a replica is ready (a lone replica restarting, a list not yet updated).
      const fb = t.fallback;
      if (fb !== undefined && !tried?.has(fb.endpoint.id) && (ep === undefined || tried?.has(ep.endpoint.id) === true || !t.balancer.healthy(ep))) ep = fb;
      let err: BricksError;
      if (!ep) {
        t.breaker.onNeutral();
        err = new BricksError('unavailable', `no ready endpoint for ${t.name}`, { unsent: true });
      } else {
        ep.outstanding++;
        const entry = t.acquire(ep.endpoint);
        try {
          const res = await entry.channel.unary({
            method: plan.method,
            path: plan.path,
            input: call.input,
            timeoutMs: Math.max(1, deadline - clockNow()),
            signal,
            headers: call.headers,
          });
          t.breaker.onSuccess();
          t.balancer.onSuccess(ep);
          t.throttle?.onAccept();
          return res;
        } catch (e) {
          err = signal?.aborted ? abortError(signal) : BricksError.from(e);
          // One that never reached a target (connection refused) counts neither way.
          if (!err.unsent || isBusy(err)) {
            if (acceptedBy(err.code)) t.throttle?.onAccept();
            else t.throttle?.onRefused();
          }
          recordFailure(t, ep, err);
          if (signal?.aborted) throw err;
        } finally {
          ep.outstanding--;
          t.release(entry);
        }
        (tried ??= new Set()).add(ep.endpoint.id);
      }
      const verdict = retryVerdict(err, plan.idempotent);
      if (verdict === 'no' || attempt >= plan.policy.retries.max) throw err;
      if ((verdict === 'idempotent' || isBusy(err)) && !t.budget.tryRetry()) throw err;
      // A refused connection is retried at once on an endpoint not tried yet; otherwise back off.
      const untried = t.balancer.states.some((s) => !tried?.has(s.endpoint.id));
      const wait = verdict === 'unsent' && untried ? 0 : backoffDelay(attempt, plan.policy.retries.backoffMs, plan.policy.retries.maxBackoffMs);
      if (clockNow() + wait >= deadline) throw err;
      if (wait > 0) await sleep(wait, waitSignal(call));
      if (!untried) tried?.clear();
    }
  } finally {
    t.bulkhead.leave();
  }
}

/** The error of a call held back by client-side throttling (resilience/throttle.ts). */
function throttled(t: Target): BricksError {
  const p = Math.round((t.throttle?.rejectProbability ?? 0) * 100);
  return new BricksError('resource_exhausted', `${t.name} refused most recent calls: this one was held back here (client-side throttling, ${p}% of calls now)`, { unsent: true });
}

/** What a failed attempt says about the target and the endpoint. */
function recordFailure(t: Target, ep: EndpointState, err: BricksError): void {
  // Cancelled says nothing; busy says the target is well but full (the throttle deals with it).
  if (err.code === 'cancelled' || isBusy(err)) t.breaker.onNeutral();
  else if (countsAsFailure(err.code)) {
    // A refused connection says the replica is gone, not that the service is sick:
    // ejecting the endpoint handles it; the breaker would only stretch the outage.
    if (err.unsent) t.breaker.onNeutral();
    else t.breaker.onFailure();
    t.balancer.onFailure(ep, err.unsent);
  } else {
    // The target answered with an application error: it is healthy.
    t.breaker.onSuccess();
    t.balancer.onSuccess(ep);
  }
}

export interface RemoteStreamCall {
  readonly method: DescMethod;
  readonly path: string;
  readonly input: AsyncIterable<MessageShape<DescMessage>>;
  readonly deadline: number;
  /** Always set: a stream is cancelled when its caller stops reading. */
  readonly signal: AbortSignal;
  readonly headers: Readonly<Record<string, string>>;
  waits: { readonly signal: AbortSignal; dispose(): void } | undefined;
}

/**
 * A streaming call on one balanced endpoint, under the bulkhead and the breaker. Streams are
 * not retried: their messages were read from the caller's iterable and cannot be sent again.
 * `done` is called once with how the stream ended; it gives back the bulkhead slot.
 */
export async function streamAttempt(t: Target, call: RemoteStreamCall): Promise<{ result: StreamResult; done: (err: BricksError | undefined) => void }> {
  const waitOn = (): AbortSignal => (call.waits ??= deadlineSignal(call.deadline, [call.signal])).signal;
  if (t.source.current().length === 0) await Promise.race([t.source.ready(), aborted(waitOn())]);
  t.refresh();
  if (!t.bulkhead.tryEnter()) await t.bulkhead.enter(waitOn(), t.name);
  if (!t.breaker.tryAcquire()) {
    t.bulkhead.leave();
    throw new BricksError('unavailable', `circuit open for ${t.name}`, { unsent: true });
  }
  if (t.throttle !== undefined && !t.throttle.tryRequest()) {
    t.breaker.onNeutral();
    t.bulkhead.leave();
    throw throttled(t);
  }
  let ep = t.balancer.pick(undefined);
  const fb = t.fallback;
  if (fb !== undefined && (ep === undefined || !t.balancer.healthy(ep))) ep = fb;
  if (ep === undefined) {
    t.breaker.onNeutral();
    t.bulkhead.leave();
    throw new BricksError('unavailable', `no ready endpoint for ${t.name}`, { unsent: true });
  }
  const endpoint = ep;
  endpoint.outstanding++;
  const entry = t.acquire(endpoint.endpoint);
  let finished = false;
  const done = (err: BricksError | undefined): void => {
    if (finished) return;
    finished = true;
    endpoint.outstanding--;
    t.release(entry);
    t.bulkhead.leave();
    if (err === undefined) t.throttle?.onAccept();
    else if (!err.unsent || isBusy(err)) {
      if (acceptedBy(err.code)) t.throttle?.onAccept();
      else t.throttle?.onRefused();
    }
    if (err === undefined) {
      t.breaker.onSuccess();
      t.balancer.onSuccess(endpoint);
    } else recordFailure(t, endpoint, err);
  };
  try {
    const result = await entry.channel.stream({ method: call.method, path: call.path, input: call.input, timeoutMs: Math.max(1, call.deadline - clockNow()), signal: call.signal, headers: call.headers });
    return { result, done };
  } catch (e) {
    const err = call.signal.aborted ? abortError(call.signal) : BricksError.from(e);
    done(err);
    throw err;
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
