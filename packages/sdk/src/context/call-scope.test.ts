// A call's scope: no signal until asked, the deadline while a handler is pending, cancels.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BricksError } from '../errors/index.ts';
import { beginRpcSpan } from '../tracing/rpc-span.ts';
import { CallScope, DEADLINE_SLACK_MS } from './call-scope.ts';

const span = () => beginRpcSpan('t/M', 'server', undefined, () => ({}));
const arrival = (cancel?: { readonly signal: AbortSignal }) => ({ cancel, headers: {}, transport: 'in-process' as const });

// The scope's timers are unref'd (a server keeps the process alive); here a test must.
function keepAlive(t: { after: (fn: () => void) => void }): void {
  const timer = setInterval(() => {}, 1000);
  t.after(() => clearInterval(timer));
}

function aborted(signal: AbortSignal): Promise<unknown> {
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(signal.reason), { once: true }));
}

test('the signal is made on first read and aborts at the deadline; reading the source waits until then', async (t) => {
  keepAlive(t);
  let sourceRead = 0;
  const ac = new AbortController();
  const source = {
    get signal() {
      sourceRead++;
      return ac.signal;
    },
  };
  const scope = new CallScope(Date.now() + 30, 't/M', span(), arrival(source));
  assert.equal(sourceRead, 0);
  const reason = await aborted(scope.signal);
  assert.equal(sourceRead, 1);
  assert.ok(reason instanceof BricksError && reason.code === 'deadline_exceeded');
  assert.equal(scope.reason, reason);
});

test('watch fires at the deadline without a signal being made', async (t) => {
  keepAlive(t);
  const scope = new CallScope(Date.now() + 20, 't/M', span(), arrival());
  const reason = await new Promise<BricksError>((resolve) => scope.watch(resolve));
  assert.equal(reason.code, 'deadline_exceeded');
});

test('a cancel from the source is cancelled, unless it comes at the deadline', () => {
  const far = new AbortController();
  const a = new CallScope(Date.now() + 60_000, 't/M', span(), arrival(far));
  const sa = a.signal;
  far.abort();
  assert.equal((sa.reason as BricksError).code, 'cancelled');

  const near = new AbortController();
  const b = new CallScope(Date.now() + DEADLINE_SLACK_MS / 2, 't/M', span(), arrival(near));
  const sb = b.signal;
  near.abort();
  assert.equal((sb.reason as BricksError).code, 'deadline_exceeded');
});

test('after dispose nothing fires and a late signal never aborts', async (t) => {
  keepAlive(t);
  const scope = new CallScope(Date.now() + 10, 't/M', span(), arrival());
  let fired = false;
  scope.watch(() => (fired = true));
  scope.dispose();
  const late = scope.signal;
  const other = new CallScope(Date.now() + 30, 't/M', span(), arrival());
  await aborted(other.signal); // outlives the first scope's deadline
  assert.equal(fired, false);
  assert.equal(late.aborted, false);
});

test('as a handler context: headers are built on demand, the caller\'s span becomes a traceparent', () => {
  const caller = beginRpcSpan('t/M', 'client', undefined, () => ({}));
  const scope = new CallScope(Date.now() + 1000, 't/M', span(), { headers: { 'x-a': '1' }, parentSpan: caller.context, transport: 'in-process' });
  assert.equal(scope.responseRecord(), undefined);
  assert.equal(scope.requestHeaders.get('x-a'), '1');
  assert.equal(scope.requestHeaders.get('traceparent'), `00-${caller.context.traceId}-${caller.context.spanId}-01`);
  scope.responseHeaders.set('X-B', '2');
  assert.deepEqual(scope.responseRecord(), { 'x-b': '2' });
  scope.dispose();
});
