// The arcade example end to end: the real CLI builds and starts every service (SDK services,
// PGlite databases, the gateway), then every REST endpoint is checked through the gateway,
// analytics is seen balancing over its two replicas, and a kill -9 of catalog heals.
//
// It runs on a copy of examples/arcade inside the repo's git-ignored .tmp/: inside the work tree
// so that @bricks/sdk, tsx and PGlite resolve from the root node_modules and `up` builds release
// artifacts as it does for the real example, and a copy so that it has its own .bricks/ (state,
// data) and takes free service ports instead of the example's remembered 7100.. ones, which a
// developer's running `npm run arcade` may hold.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkArcade, json } from './helpers/arcade-checks.ts';
import { arcadeCopy } from './helpers/arcade-copy.ts';
import { alive, get, steadyLoad, until, type PsDoc, type PsService } from './helpers/bricks.ts';

function service(doc: PsDoc, name: string): PsService {
  const s = doc.services.find((x) => x.name === name);
  assert.ok(s, `service ${name} in ps`);
  return s;
}

test('arcade: every endpoint through the gateway, analytics balancing, and a catalog crash that heals', { timeout: 240_000 }, async (t) => {
  const p = arcadeCopy(t);
  // Generous: the first start of each PGlite database runs initdb (seconds, more on a busy machine).
  const up = await p.bricks('up', '-d', '--wait', '150');
  assert.equal(up.code, 0, `bricks up failed:\n${up.stdout}\n${up.stderr}`);
  const doc = await p.ps();
  assert.deepEqual(
    doc.services.map((s) => [s.name, s.ready]),
    [['gateway', 2], ['catalog', 1], ['scores', 1], ['analytics', 2], ['thumbnails', 1]],
  );
  const gw = service(doc, 'gateway').address;
  // The first service gets the lowest free port from base_port: the README's localhost:7100 when free.
  for (const s of doc.services.slice(1)) assert.ok(Number(new URL(s.address).port) > Number(new URL(gw).port), s.name);
  assert.ok(existsSync(join(p.dir, '.bricks', 'data', 'catalog')), 'catalog keeps its database beside the stack');
  assert.ok(existsSync(join(p.dir, '.bricks', 'data', 'scores')), 'scores keeps its database beside the stack');

  // The checks every target's arcade test shares (test/helpers/arcade-checks.ts).
  // Players' tokens from the daemon's development issuer (the stack's issuer: local).
  const userToken = async (scopes: readonly string[]): Promise<string> => {
    const r = await p.bricks('token', '--sub', 'ann', ...scopes.flatMap((s) => ['--scope', s]));
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.trim();
  };
  const { createdGame: created } = await checkArcade(t, gw, { analyticsReplicas: ['analytics.1', 'analytics.2'], userToken });

  await t.test('catalog takes CreateGame only from the gateway: a player token sent to it directly is refused', async () => {
    const catalog = service(await p.ps(), 'catalog').address;
    const player = { authorization: `Bearer ${await userToken(['games:write'])}` };
    const direct = await json('POST', `${catalog}/arcade.v1.CatalogService/CreateGame`, { title: 'Sneaky' }, player);
    assert.equal(direct.status, 401, JSON.stringify(direct.body));
    assert.match(JSON.stringify(direct.body), /may be called only by gateway/);
    // A caller that names itself gateway is not the gateway.
    const forged = await json('POST', `${catalog}/arcade.v1.CatalogService/CreateGame`, { title: 'Sneaky' }, { ...player, 'bricks-identity': 'gateway', 'x-bricks-service': 'gateway' });
    assert.equal(forged.status, 401, JSON.stringify(forged.body));
  });

  await t.test('catalog killed with SIGKILL under GETs: replaced, its data kept, the GETs recover', async () => {
    const before = service(await p.ps(), 'catalog').replicas[0];
    assert.ok(before?.pid != null && alive(before.pid));
    let stopLoad!: () => void;
    const load = steadyLoad(`${gw}/api/games/${created}`, 2, new Promise<void>((r) => (stopLoad = r)));
    try {
      await until('GETs flowing', async () => (await get(`${gw}/api/games/${created}`)).status === 200);
      process.kill(before.pid, 'SIGKILL');
      const after = await until(
        'a new ready catalog replica',
        async () => {
          const r = service(await p.ps(), 'catalog').replicas[0];
          return r !== undefined && r.ready && r.pid !== before.pid ? r : undefined;
        },
        60_000,
      );
      assert.ok(after.restarts >= 1);
      // The game made before the crash is read back from the database on disk.
      await until('GETs answered by the new replica', async () => (await get(`${gw}/api/games/${created}`)).status === 200, 30_000);
    } finally {
      stopLoad();
    }
    const result = await load;
    t.diagnostic(`GETs during the crash: ${result.ok} ok, ${result.failed} failed ${JSON.stringify(result.errors.slice(0, 3))}`);
    assert.ok(result.ok > 0);
    // Nothing but "unavailable" or "deadline" while catalog has no replica: no 500, no dropped connection.
    for (const e of result.errors) assert.match(e, /^(503|504) \{"error":\{"code":"(unavailable|deadline_exceeded)"/);
    const page = await json('GET', `${gw}/api/games/${created}`);
    assert.equal((page.body as { game: { title: string } }).game.title, 'Star Chase');
  });
});
