// The endpoint set: picking, in-flight counts, draining, cooldown; driven by a fake clock.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EndpointSet, connectFailureCooldownMs } from './endpoints.ts';

const ep = (id: string, port = 1000) => ({ id, host: '127.0.0.1', port });

function fixture(random = () => 0.5) {
  let now = 0;
  const set = new EndpointSet(() => now, random);
  return { set, advance: (ms: number) => (now += ms) };
}

test('equal load spreads requests round-robin', () => {
  const { set } = fixture();
  set.set([ep('a'), ep('b'), ep('c')]);
  const picks = Array.from({ length: 6 }, () => set.pick()!.id);
  assert.deepEqual(picks, ['a', 'b', 'c', 'a', 'b', 'c']);
});

test('the endpoint with fewer requests in flight wins the pair', () => {
  const { set } = fixture();
  set.set([ep('a'), ep('b')]);
  const a = set.get('a')!;
  set.acquire(a);
  set.acquire(a);
  for (let i = 0; i < 4; i++) assert.equal(set.pick()!.id, 'b');
  set.release(a);
  set.release(a);
  assert.deepEqual([set.pick()!.id, set.pick()!.id].sort(), ['a', 'b']);
});

test('pick avoids the excluded endpoint unless it is the only one', () => {
  const { set } = fixture();
  set.set([ep('a'), ep('b')]);
  const a = set.get('a')!;
  for (let i = 0; i < 4; i++) assert.equal(set.pick(a)!.id, 'b');
  set.set([ep('a')]);
  assert.equal(set.pick(a)!.id, 'a');
  set.set([]);
  assert.equal(set.pick(), undefined);
});

test('an endpoint that refused a connection is avoided for the cooldown', () => {
  const { set, advance } = fixture();
  set.set([ep('a'), ep('b')]);
  set.markConnectFailure(set.get('a')!);
  for (let i = 0; i < 4; i++) assert.equal(set.pick()!.id, 'b');
  advance(connectFailureCooldownMs);
  assert.deepEqual([set.pick()!.id, set.pick()!.id].sort(), ['a', 'b']);
});

test('a removed endpoint gets no picks, keeps its in-flight count and drains', async () => {
  const { set } = fixture();
  set.set([ep('a'), ep('b')]);
  const a = set.get('a')!;
  set.acquire(a);
  const change = set.set([ep('b')]);
  assert.deepEqual(change.removed.map((e) => e.id), ['a']);
  for (let i = 0; i < 4; i++) assert.equal(set.pick()!.id, 'b');
  assert.equal(set.inflight('a'), 1);
  const drained = set.drained('a', 10_000);
  set.release(a);
  assert.equal(await drained, true);
  assert.equal(set.inflight('a'), 0);
  assert.equal(await set.drained('a', 10), true, 'an unknown or idle endpoint is drained already');
});

test('drained resolves false when requests are still in flight at the timeout', async () => {
  const { set } = fixture();
  set.set([ep('a')]);
  set.acquire(set.get('a')!);
  assert.equal(await set.drained('a', 5), false);
});

test('served counts survive the removal of their endpoint', () => {
  const { set } = fixture();
  set.set([ep('a'), ep('b')]);
  set.get('a')!.served = 3;
  set.get('b')!.served = 2;
  set.set([ep('b')]);
  assert.deepEqual(set.servedCounts(), { a: 3, b: 2 });
});

test('an endpoint whose address changed is reported as moved', () => {
  const { set } = fixture();
  set.set([ep('a', 1000)]);
  const change = set.set([ep('a', 2000)]);
  assert.deepEqual(change.moved.map((e) => e.port), [2000]);
  assert.equal(set.pick()!.port, 2000);
});
