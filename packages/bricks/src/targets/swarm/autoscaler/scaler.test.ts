import assert from 'node:assert/strict';
import { test } from 'node:test';
import { localAutoscale } from '../../../platform/local-defaults.ts';
import { makeService } from '../../testing/stack-fixture.ts';
import { readCounters } from './exposition.ts';
import { decodePolicy, encodePolicy, swarmAutoscale } from './policy.ts';
import { SwarmAutoscaler } from './scaler.ts';
import type { ScaleEvent } from './scaler.ts';
import type { ScaledService, SwarmApi, TaskAddress } from './swarm-api.ts';

test('exposition: the histogram\'s _sum and _count are added over label sets, CPU read, the rest ignored', () => {
  const text = [
    '# HELP rpc_server_call_duration_seconds Time to serve a call.',
    '# TYPE rpc_server_call_duration_seconds histogram',
    'rpc_server_call_duration_seconds_bucket{rpc_method="A",le="+Inf"} 7',
    'rpc_server_call_duration_seconds_sum{rpc_method="A",rpc_service="x.v1.S"} 1.5',
    'rpc_server_call_duration_seconds_count{rpc_method="A",rpc_service="x.v1.S"} 7',
    'rpc_server_call_duration_seconds_sum{rpc_method="B",note="a b} c"} 0.5 1700000000000',
    'rpc_server_call_duration_seconds_count{rpc_method="B",note="a b} c"} 3',
    'rpc_client_call_duration_seconds_sum{peer_service="y"} 99',
    'process_cpu_seconds_total 2.25',
    '',
  ].join('\n');
  assert.deepEqual(readCounters(text), { busySeconds: 2, calls: 10, cpuSeconds: 2.25 });
  assert.deepEqual(readCounters('not metrics at all'), { busySeconds: 0, calls: 0, cpuSeconds: 0 });
});

test('policy: the local knobs; min 0 is raised to 1 with a warning naming the service; the label round-trips', () => {
  const s = makeService('thumbs', { 'x-bricks': { port: 8080, autoscale: { min: 0, max: 3, rps: 50 } } });
  const a = swarmAutoscale(s);
  assert.ok(a);
  assert.equal(a.policy.min, 1);
  assert.match(a.warning ?? '', /services\.thumbs: x-bricks\.autoscale\.min is 0, but Swarm has no activator/);
  assert.deepEqual(a.policy, { ...localAutoscale({ min: 0, max: 3, rps: 50 }, 1), min: 1 });
  assert.deepEqual(decodePolicy('thumbs', encodePolicy(a.policy)), a.policy);
  assert.throws(() => decodePolicy('shop_api', '{"min":1}'), /service shop_api: its autoscale label lacks max, tolerance/);
  assert.throws(() => decodePolicy('shop_api', 'nope'), /service shop_api: its autoscale label is not JSON/);
  assert.equal(swarmAutoscale(makeService('fixed', { 'x-bricks': { port: 8080 } })), null);
});

/** A swarm in memory: services, their tasks, and each task's counters, which the test grows. */
class FakeSwarm implements SwarmApi {
  readonly scaled: Array<[string, number]> = [];
  readonly counters = new Map<string, { busy: number; calls: number }>();
  constructor(public service: ScaledService) {}
  autoscaledServices(): Promise<ScaledService[]> {
    return Promise.resolve([this.service]);
  }
  runningTasks(): Promise<TaskAddress[]> {
    return Promise.resolve(Array.from({ length: this.service.replicas }, (_, i) => ({ task: `t${i + 1}`, address: `10.0.0.${i + 1}` })));
  }
  scale(id: string, replicas: number): Promise<void> {
    this.scaled.push([id, replicas]);
    this.service = { ...this.service, replicas };
    return Promise.resolve();
  }
  /** `inFlight` requests held by each task for the next second. */
  load(inFlight: number): void {
    for (let i = 1; i <= this.service.replicas; i++) {
      const c = this.counters.get(`10.0.0.${i}`) ?? { busy: 0, calls: 0 };
      this.counters.set(`10.0.0.${i}`, { busy: c.busy + inFlight, calls: c.calls + inFlight * 10 });
    }
  }
  scrape = (url: string): Promise<string> => {
    const host = new URL(url).hostname;
    const c = this.counters.get(host) ?? { busy: 0, calls: 0 };
    return Promise.resolve(`rpc_server_call_duration_seconds_sum{} ${c.busy}\nrpc_server_call_duration_seconds_count{} ${c.calls}\n`);
  };
}

function setup(replicas: number) {
  const policy = localAutoscale({ min: 1, max: 4, concurrency: 2 }, 1);
  const swarm = new FakeSwarm({ id: 'svc1', service: 'api', replicas, policy, metricsPort: 8080, metricsPath: '/metrics', network: 'shop_default' });
  let now = 1_000_000;
  const events: ScaleEvent[] = [];
  const scaler = new SwarmAutoscaler({ stack: 'shop', api: swarm, scrape: swarm.scrape, now: () => now, onScale: (e) => events.push(e) });
  const second = async (inFlight: number): Promise<void> => {
    swarm.load(inFlight);
    now += 1000;
    await scaler.tick();
  };
  return { swarm, events, second, policy };
}

test('a load step grows the service through the Engine API, saying why; no load shrinks it only after the scale-down window', async () => {
  const { swarm, events, second, policy } = setup(1);
  await second(0); // first counters: no interval yet
  // 6 in flight per replica against a target of 2: the panic window asks for 3× what runs.
  for (let i = 0; i < 3; i++) await second(6);
  assert.ok(swarm.service.replicas > 1, `grew: ${JSON.stringify(events)}`);
  assert.equal(events[0]?.service, 'api');
  assert.match(events[0]?.reason ?? '', /concurrency/);
  for (let i = 0; i < 6; i++) await second(6);
  assert.equal(swarm.service.replicas, 4, 'up to max');
  // Load gone: nothing for a while inside the scale-down window...
  const grownAt = swarm.scaled.length;
  for (let s = 0; s < policy.scaleDownStabilizationMs / 1000 - 2; s++) await second(0);
  assert.equal(swarm.service.replicas, 4, 'held by the scale-down window');
  for (let s = 0; s < policy.scaleDownStabilizationMs / 1000 + policy.stableWindowMs / 1000; s++) await second(0);
  assert.equal(swarm.service.replicas, 1, 'back to min');
  assert.ok(swarm.scaled.length > grownAt);
  assert.ok(swarm.scaled.every(([id]) => id === 'svc1'));
});

test('steady load inside the tolerance changes nothing; a restarted task\'s counters are not read as negative load', async () => {
  const { swarm, events, second } = setup(2);
  await second(0);
  for (let i = 0; i < 15; i++) await second(2);
  assert.deepEqual(events, []);
  // Task 1 restarts: its counters start again from zero, below what was read last.
  swarm.counters.set('10.0.0.1', { busy: 0, calls: 0 });
  for (let i = 0; i < 3; i++) await second(2);
  assert.deepEqual(events, []);
});
