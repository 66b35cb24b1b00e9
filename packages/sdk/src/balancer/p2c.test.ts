import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Balancer } from './p2c.ts';

const eps = [
  { id: 'a.1', url: 'http://127.0.0.1:1' },
  { id: 'a.2', url: 'http://127.0.0.1:2' },
  { id: 'a.3', url: 'http://127.0.0.1:3' },
];

test('of two random choices, the one with fewer outstanding requests wins', () => {
  // random() sequence picks indexes 0 and then (0 → skip to 1): a.1 vs a.2.
  const seq = [0, 0];
  const b = new Balancer({ random: () => seq.shift() ?? 0 });
  b.update(eps);
  b.states[0]!.outstanding = 5;
  assert.equal(b.pick()?.endpoint.id, 'a.2');
});

test('over many picks, load spreads and a busy endpoint is avoided', () => {
  const b = new Balancer();
  b.update(eps);
  b.states[2]!.outstanding = 1000;
  const counts = new Map<string, number>();
  for (let i = 0; i < 3000; i++) {
    const s = b.pick()!;
    counts.set(s.endpoint.id, (counts.get(s.endpoint.id) ?? 0) + 1);
  }
  assert.equal(counts.get('a.3') ?? 0, 0);
  assert.ok((counts.get('a.1') ?? 0) > 500 && (counts.get('a.2') ?? 0) > 500);
});

test('an endpoint that keeps failing is ejected for a back-off that grows, then comes back', () => {
  let now = 0;
  const b = new Balancer({ ejectAfter: 3, baseEjectionMs: 1000, now: () => now });
  b.update(eps.slice(0, 2));
  const bad = b.states[0]!;
  for (let i = 0; i < 3; i++) b.onFailure(bad, false);
  for (let i = 0; i < 50; i++) assert.equal(b.pick()?.endpoint.id, 'a.2');
  now = 1000;
  assert.ok(Array.from({ length: 50 }, () => b.pick()?.endpoint.id).includes('a.1'), 'back after the ejection time');
  for (let i = 0; i < 3; i++) b.onFailure(bad, false);
  assert.equal(bad.ejectedUntil, 3000, 'second ejection lasts twice as long');
});

test('a refused connection ejects at once; with every endpoint ejected it still picks one', () => {
  const b = new Balancer({ now: () => 0 });
  b.update(eps.slice(0, 1));
  b.onFailure(b.states[0]!, true);
  assert.equal(b.pick()?.endpoint.id, 'a.1');
});

test('update keeps counters of endpoints that stay and drops those that left', () => {
  const b = new Balancer();
  b.update(eps);
  b.states[1]!.outstanding = 7;
  b.update([eps[1]!, { id: 'a.4', url: 'http://127.0.0.1:4' }]);
  assert.deepEqual(
    b.states.map((s) => [s.endpoint.id, s.outstanding]),
    [
      ['a.2', 7],
      ['a.4', 0],
    ],
  );
  assert.notEqual(b.pick(new Set(['a.2']))?.endpoint.id, 'a.2');
});
