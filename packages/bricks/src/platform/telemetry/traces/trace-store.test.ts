import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StoredSpan } from '../../api/contract/index.ts';
import { TraceStore } from './trace-store.ts';

const span = (traceId: string, spanId: string, over: Partial<StoredSpan> = {}): StoredSpan => ({
  traceId, spanId, parentSpanId: '', name: 'op', kind: 'server', service: 'svc', replica: 'svc.1', startMs: 0, durationMs: 1,
  status: 'unset', statusMessage: '', traceState: '', attributes: {}, ...over,
});
const tid = (n: number): string => n.toString(16).padStart(32, '0');
const sid = (n: number): string => n.toString(16).padStart(16, '0');

test('whole traces go, oldest first, to stay within maxSpans', () => {
  const store = new TraceStore({ maxSpans: 5 });
  for (let t = 1; t <= 3; t++) store.add([span(tid(t), sid(t * 10)), span(tid(t), sid(t * 10 + 1))]);
  assert.deepEqual(store.list().map((s) => s.traceId), [tid(3), tid(2)], 'the oldest trace made room');
  assert.deepEqual(store.stats(), { spans: 4, maxSpans: 5, traces: 2, retentionMs: 3_600_000, evicted: 2 });
});

test('a trace is kept for the retention after its first span arrived', () => {
  let now = 0;
  const store = new TraceStore({ retentionMs: 1_000, now: () => now });
  store.add([span(tid(1), sid(1))]);
  now = 600;
  store.add([span(tid(2), sid(2))]);
  now = 1_001;
  assert.deepEqual(store.list().map((s) => s.traceId), [tid(2)]);
  assert.equal(store.get(tid(1)), undefined);
});

test('one trace stops growing at maxSpansPerTrace', () => {
  const store = new TraceStore({ maxSpansPerTrace: 3 });
  store.add([1, 2, 3, 4, 5].map((n) => span(tid(1), sid(n))));
  assert.equal(store.get(tid(1))?.spans.length, 3);
  assert.equal(store.stats().evicted, 2);
});

test('lists filter by service, method, duration and error, with the root as the name', () => {
  const store = new TraceStore();
  store.add([
    span(tid(1), sid(1), { name: 'GET /games', service: 'gateway', durationMs: 12 }),
    span(tid(1), sid(2), { parentSpanId: sid(1), name: 'arcade.v1.CatalogService/ListGames', service: 'catalog', startMs: 2, durationMs: 5 }),
    span(tid(2), sid(3), { name: 'arcade.v1.ScoresService/Submit', service: 'scores', durationMs: 2, status: 'error' }),
  ]);
  const first = store.list({ service: 'catalog' });
  assert.deepEqual(first.map((s) => [s.name, s.service, s.services, s.spans, s.durationMs]), [['GET /games', 'gateway', ['catalog', 'gateway'], 2, 12]]);
  assert.deepEqual(store.list({ method: 'Submit' }).map((s) => s.traceId), [tid(2)]);
  assert.deepEqual(store.list({ minDurationMs: 10 }).map((s) => s.traceId), [tid(1)]);
  assert.deepEqual(store.list({ errors: true }).map((s) => s.traceId), [tid(2)]);
  assert.deepEqual(store.list({ limit: 1 }).map((s) => s.traceId), [tid(2)], 'newest first');
});
