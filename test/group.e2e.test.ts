// x-bricks.group end to end: arcade's catalog and scores in one process per replica. Both keep
// their service addresses, the gateway reaches both, and scores' calls to catalog (it checks the
// game exists) run in-process: the group process's catalog server counts them as such.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { json } from './helpers/arcade-checks.ts';
import { arcadeCopy } from './helpers/arcade-copy.ts';
import { get } from './helpers/bricks.ts';

const group = (yaml: string): string =>
  yaml
    .replace('      run: node --import tsx services/catalog/main.ts', '      run: node --import tsx services/catalog/main.ts\n      group: core')
    .replace('      run: node --import tsx services/scores/main.ts', '      run: node --import tsx services/scores/main.ts\n      group: core');

interface Unit {
  readonly name: string;
  readonly members: readonly { name: string; address: string }[];
  readonly ready: number;
  readonly replicas: readonly { pid: number | null; port: number | null }[];
}

test('x-bricks.group: catalog and scores share one process and call each other in-process', { timeout: 240_000 }, async (t) => {
  const p = arcadeCopy(t, group);
  const up = await p.bricks('up', '-d', '--wait', '150');
  assert.equal(up.code, 0, `bricks up failed:\n${up.stdout}\n${up.stderr}`);
  const doc = (await p.ps()) as unknown as { services: readonly Unit[] };
  const core = doc.services.find((s) => s.name === 'core');
  assert.ok(core, 'the group runs as one unit');
  assert.deepEqual(core.members.map((m) => m.name), ['catalog', 'scores']);
  // As many replicas as its largest member asks for: catalog and scores run 2 each.
  assert.equal(core.ready, 2);
  assert.ok(!doc.services.some((s) => s.name === 'catalog' || s.name === 'scores'), 'no separate catalog or scores processes');
  const [catalog, scores] = core.members;
  assert.notEqual(catalog?.address, scores?.address, 'each member keeps its own service address');

  const gateway = doc.services.find((s) => s.name === 'gateway')!.members[0]!.address;
  const games = await json('GET', `${gateway}/api/games`);
  assert.equal(games.status, 200);
  const gameId = (games.body as { games: { id: string }[] }).games[0]!.id;
  const submitted = await json('POST', `${gateway}/api/scores`, { gameId, player: 'ada', points: 42 });
  assert.equal(submitted.status, 201, JSON.stringify(submitted.body));
  const unknown = await json('POST', `${gateway}/api/scores`, { gameId: 'no-such-game', player: 'ada', points: 1 });
  assert.equal(unknown.status, 404, 'scores asked catalog, which said not found');

  // Each group process serves /metrics for both: catalog's GetGame was served in-process, by
  // the replica whose scores asked (read from each replica: the address balances over them).
  const getGame: string[] = [];
  for (const r of core.replicas) {
    const metrics = (await get(`http://127.0.0.1:${r.port}/metrics`)).body;
    getGame.push(...metrics.split('\n').filter((l) => l.includes('GetGame') && l.includes('_count')));
  }
  assert.ok(getGame.some((l) => /transport="in-process"/.test(l)), `GetGame served in-process:\n${getGame.join('\n')}`);
});
