// The exposition parser, the series store's bounds, and what `top` computes from them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseExposition, seriesKey } from './exposition.ts';
import { increase, SeriesStore } from './series-store.ts';
import { withTargetLabels } from './scraper.ts';
import { quantile, SERVER_DURATION, topRows } from './top.ts';

describe('metrics', () => {
  it('reads the text format: types, labels with escapes, +Inf, and skips what it cannot read', () => {
    const e = parseExposition([
      '# HELP x_total A counter.',
      '# TYPE x_total counter',
      'x_total{method="a.B/C",code="ok"} 3',
      'x_total{path="quo\\"te\\\\back\\nline"} 1 1700000000000',
      '# TYPE h histogram',
      'h_bucket{le="0.1"} 2',
      'h_bucket{le="+Inf"} 5',
      'h_sum 1.5',
      'this is not a sample',
      'up 1',
    ].join('\n'));
    assert.equal(e.types.get('x_total'), 'counter');
    assert.equal(e.types.get('h'), 'histogram');
    assert.deepEqual(e.samples.map((s) => [s.name, s.labels, s.value]), [
      ['x_total', { method: 'a.B/C', code: 'ok' }, 3],
      ['x_total', { path: 'quo"te\\back\nline' }, 1],
      ['h_bucket', { le: '0.1' }, 2],
      ['h_bucket', { le: '+Inf' }, 5],
      ['h_sum', {}, 1.5],
      ['up', {}, 1],
    ]);
    assert.equal(seriesKey('x', { b: '2', a: '1' }), seriesKey('x', { a: '1', b: '2' }));
  });

  it('target labels win; a series\' own service label is kept as exported_service', () => {
    assert.deepEqual(withTargetLabels({ service: 'inner', code: 'ok' }, { service: 'api', replica: 'api.1', version: 'v1' }), {
      exported_service: 'inner', code: 'ok', service: 'api', replica: 'api.1', version: 'v1',
    });
  });

  it('the store keeps its retention and its series ceiling, and forgets series gone quiet', () => {
    const store = new SeriesStore({ retentionMs: 10_000, intervalMs: 1000, maxSeries: 2 });
    for (let t = 1000; t <= 30_000; t += 1000) store.append('a', 'a', {}, t, t);
    const a = store.select('a')[0]!;
    const points = store.points(a, 0, 30_000);
    assert.equal(points.length, 11, 'one more point than the retention over the interval');
    assert.deepEqual([points[0]!.at, points.at(-1)!.at], [20_000, 30_000]);
    store.append('b', 'b', {}, 30_000, 1);
    store.append('c', 'c', {}, 30_000, 1);
    assert.deepEqual([store.size, store.dropped], [2, 1], 'the third series is refused and counted');
    store.collect(45_000);
    assert.equal(store.size, 0);
  });

  it('a counter\'s increase counts a reset as a restart from zero', () => {
    const p = (values: number[]) => values.map((value, i) => ({ at: i, value }));
    assert.equal(increase(p([1, 4, 10])), 9);
    assert.equal(increase(p([5, 8, 2, 3])), 3 + 2 + 1);
  });

  it('histogram quantiles interpolate within a bucket, as Prometheus does', () => {
    const b = new Map([[0.1, 50], [0.5, 90], [1, 100], [Infinity, 100]]);
    assert.equal(quantile(0.5, b), 0.1);
    assert.ok(Math.abs(quantile(0.7, b)! - 0.3) < 1e-9);
    assert.ok(Math.abs(quantile(0.99, b)! - 0.95) < 1e-9);
    assert.equal(quantile(0.5, new Map()), null);
    assert.equal(quantile(0.999, new Map([[1, 10], [Infinity, 20]])), 1, 'in +Inf: the highest finite bound');
  });

  it('top: rps, error rate and latency per replica and per service over the window', () => {
    const store = new SeriesStore({ intervalMs: 1000 });
    const write = (at: number, replica: string, okCalls: number, failed: number): void => {
      const base = { service: 'api', replica, version: 'v1', rpc_service: 'a.B', rpc_method: 'C', transport: 'fast' };
      const count = (code: string, v: number): void => {
        const labels = { ...base, rpc_grpc_status_code: code };
        store.append(seriesKey(`${SERVER_DURATION}_count`, labels), `${SERVER_DURATION}_count`, labels, at, v);
      };
      count('0', okCalls);
      count('14', failed);
      // Every call took between 5 and 10 ms.
      for (const [le, v] of [['0.005', 0], ['0.01', okCalls + failed], ['+Inf', okCalls + failed]] as const) {
        const labels = { ...base, rpc_grpc_status_code: '0', le };
        store.append(seriesKey(`${SERVER_DURATION}_bucket`, labels), `${SERVER_DURATION}_bucket`, labels, at, v);
      }
    };
    write(0, 'api.1', 0, 0);
    write(0, 'api.2', 0, 0);
    write(10_000, 'api.1', 90, 10);
    write(10_000, 'api.2', 300, 0);
    const rows = topRows(store, 10_000, 10_000);
    const row = (replica: string | null) => rows.find((r) => r.replica === replica)!;
    assert.equal(row('api.1').rps, 10);
    assert.equal(row('api.1').errorRate, 0.1);
    assert.equal(row('api.2').rps, 30);
    assert.equal(row(null).rps, 40);
    assert.equal(row(null).errorRate, 10 / 400);
    assert.ok(row(null).p50Ms! > 5 && row(null).p50Ms! <= 10, String(row(null).p50Ms));
    assert.ok(row(null).p99Ms! > 9 && row(null).p99Ms! <= 10);
    assert.deepEqual(topRows(store, 100_000, 10_000).map((r) => r.rps), [0, 0, 0], 'nothing in a window without points');
  });
});
