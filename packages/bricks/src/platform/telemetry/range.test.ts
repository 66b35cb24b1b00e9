// The dashboard's chart lines: rises in their steps, quantiles per step, CPU and memory per service.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeriesStore } from './series-store.ts';
import { metricsRange } from './range.ts';
import { SERVER_DURATION } from './top.ts';

const count = `${SERVER_DURATION}_count`;
const bucket = `${SERVER_DURATION}_bucket`;

function storeWith(points: { name: string; labels: Record<string, string>; at: number; value: number }[]): SeriesStore {
  const store = new SeriesStore();
  for (const p of points) store.append(`${p.name}${JSON.stringify(p.labels)}`, p.name, p.labels, p.at, p.value);
  return store;
}

describe('metricsRange', () => {
  it('puts each rise of a counter in the step of its later point, as rates per second', () => {
    const ok = { service: 'catalog', replica: 'catalog.1', rpc_grpc_status_code: '0' };
    const bad = { ...ok, rpc_grpc_status_code: '13' };
    const store = storeWith([
      { name: count, labels: ok, at: 0, value: 0 },
      { name: count, labels: ok, at: 10_000, value: 100 },
      { name: count, labels: ok, at: 20_000, value: 300 },
      { name: count, labels: bad, at: 0, value: 0 },
      { name: count, labels: bad, at: 20_000, value: 100 },
    ]);
    const doc = metricsRange(store, 20_000, 20_000, 10_000);
    assert.deepEqual(doc.times, [10_000, 20_000]);
    const catalog = doc.services.find((s) => s.service === 'catalog')!;
    assert.deepEqual(catalog.rps, [10, 30]);
    assert.deepEqual(metricsRange(store, 40_000, 40_000, 10_000).services[0]!.rps, [10, 30, null, null], "no rate where nothing was read");
    assert.deepEqual(catalog.errorRate, [0, 100 / 300]);
  });

  it('takes quantiles from the histogram per step, and CPU and memory over replicas', () => {
    const labels = (le: string, replica = 'catalog.1'): Record<string, string> => ({ service: 'catalog', replica, le, rpc_grpc_status_code: '0' });
    const store = storeWith([
      { name: count, labels: { service: 'catalog', replica: 'catalog.1', rpc_grpc_status_code: '0' }, at: 0, value: 0 },
      { name: count, labels: { service: 'catalog', replica: 'catalog.1', rpc_grpc_status_code: '0' }, at: 10_000, value: 10 },
      { name: bucket, labels: labels('0.01'), at: 0, value: 0 },
      { name: bucket, labels: labels('0.01'), at: 10_000, value: 10 },
      { name: bucket, labels: labels('+Inf'), at: 0, value: 0 },
      { name: bucket, labels: labels('+Inf'), at: 10_000, value: 10 },
      { name: 'process_cpu_seconds_total', labels: { service: 'catalog', replica: 'catalog.1' }, at: 0, value: 1 },
      { name: 'process_cpu_seconds_total', labels: { service: 'catalog', replica: 'catalog.1' }, at: 10_000, value: 6 },
      { name: 'process_resident_memory_bytes', labels: { service: 'catalog', replica: 'catalog.1' }, at: 10_000, value: 100 },
      { name: 'process_resident_memory_bytes', labels: { service: 'catalog', replica: 'catalog.2' }, at: 9_000, value: 50 },
      { name: 'process_resident_memory_bytes', labels: { service: 'bricks', replica: 'daemon' }, at: 9_000, value: 50 },
    ]);
    const doc = metricsRange(store, 10_000, 10_000, 10_000);
    assert.deepEqual(doc.services.map((s) => s.service), ['catalog']);
    const [catalog] = doc.services;
    assert.ok(Math.abs(catalog!.p50Ms[0]! - 5) < 1e-6, String(catalog!.p50Ms[0]));
    assert.ok(Math.abs(catalog!.p99Ms[0]! - 9.9) < 1e-6, String(catalog!.p99Ms[0]));
    assert.deepEqual(catalog!.cpu, [50]);
    assert.deepEqual(catalog!.memory, [150]);
  });
});
