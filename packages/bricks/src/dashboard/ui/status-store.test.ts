// The services page's live state: events change the status document in place; what it cannot
// absorb asks for one fresh status.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ReplicaRow, ServiceRow, StatusDoc } from '../../platform/api/contract/index.ts';
import { applyEvent, applyUsage } from './status-store.ts';

const replica = (name: string, ready = true): ReplicaRow => ({
  id: `${name}#1`, name, service: name.split('.')[0]!, slot: Number(name.split('.')[1]), version: 'v1', phase: 'running', ready,
  pid: 100, port: 4000, startedAt: 1, restarts: 0, health: 'ready', stopReason: null,
});
const service = (name: string, replicas: ReplicaRow[]): ServiceRow => ({
  name, address: '127.0.0.1:1', members: [], version: 'v1', rollout: null, desired: replicas.length, autoscale: null,
  ready: replicas.filter((r) => r.ready).length, condition: 'running', restarts: 0, lastExit: null, replicas,
});
const doc: StatusDoc = { stack: 'arcade', file: 'bricks.yaml', services: [service('analytics', [replica('analytics.1'), replica('analytics.2')])] };

describe('status store', () => {
  it('applies a scale and a known replica going unready without a fetch', () => {
    const scaled = applyEvent(doc, { type: 'scaled', service: 'analytics', replicas: 3, reason: 'bricks scale', at: 5 });
    assert.equal(scaled.refetch, false);
    assert.equal(scaled.status.services[0]!.desired, 3);
    const unready = applyEvent(scaled.status, { type: 'replica-unready', service: 'analytics', replica: 'analytics.2', detail: 'probe failed', at: 6 });
    assert.equal(unready.refetch, false);
    assert.equal(unready.status.services[0]!.ready, 1);
    assert.equal(unready.status.services[0]!.replicas[1]!.health, 'probe failed');
  });

  it('asks for a fresh status for a replica it has not seen, and drops one that exited', () => {
    const starting = applyEvent(doc, { type: 'replica-starting', service: 'analytics', replica: 'analytics.3', at: 7 });
    assert.equal(starting.refetch, true);
    const exited = applyEvent(doc, { type: 'replica-exited', service: 'analytics', replica: 'analytics.1', code: 0, signal: null, expected: true, at: 8 });
    assert.equal(exited.refetch, false);
    assert.deepEqual(exited.status.services[0]!.replicas.map((r) => r.name), ['analytics.2']);
  });

  it('takes CPU and memory from top by replica name', () => {
    const next = applyUsage(doc, { at: 1, windowMs: 1, rows: [], addresses: [], replicas: [{ service: 'analytics', name: 'analytics.1', cpu: 12.5, memory: 2048 }], store: { series: 0, maxSeries: 0, bytes: 0, retentionMs: 0, dropped: 0 } });
    assert.equal(next.services[0]!.replicas[0]!.cpu, 12.5);
    assert.equal(next.services[0]!.replicas[0]!.memory, 2048);
    assert.equal(next.services[0]!.replicas[1]!.cpu, undefined);
  });
});
