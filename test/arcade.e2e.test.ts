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
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { Project, alive, get, steadyLoad, until, type PsDoc, type PsService } from './helpers/bricks.ts';

const ROOT = new URL('..', import.meta.url).pathname;
const ARCADE = join(ROOT, 'examples', 'arcade');

interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}

function send(method: string, url: string, body?: string | Uint8Array, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : typeof body === 'string' ? Buffer.from(body) : Buffer.from(body);
    const req = request(url, { method, agent: false, timeout: 15_000, headers: { ...(payload ? { 'content-length': String(payload.length) } : {}), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(payload);
  });
}

async function json(method: string, url: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const r = await send(method, url, body === undefined ? undefined : JSON.stringify(body), { 'content-type': 'application/json' });
  return { status: r.status, body: JSON.parse(r.body.toString('utf8')) as unknown };
}

/** A copy of the example with its own .bricks/; on test end: down, SIGKILL of anything left, rm. */
function arcadeCopy(t: TestContext): Project {
  mkdirSync(join(ROOT, '.tmp'), { recursive: true });
  const dir = mkdtempSync(join(ROOT, '.tmp', 'arcade-e2e-'));
  for (const part of ['bricks.yaml', 'package.json', 'gen', 'lib', 'proto', 'services']) cpSync(join(ARCADE, part), join(dir, part), { recursive: true });
  const p = new Project(dir);
  const seen = new Set<number>();
  const remember = (): void => {
    for (const g of p.groups()) seen.add(g);
    const d = p.daemonPid();
    if (d !== null) seen.add(d);
  };
  const timer = setInterval(remember, 100);
  t.after(async () => {
    clearInterval(timer);
    remember();
    if (p.daemonPid() !== null) await p.bricks('down', '--timeout', '30');
    for (const pid of seen) {
      for (const target of [-pid, pid]) {
        try {
          process.kill(target, 'SIGKILL');
        } catch {
          // gone, as it should be
        }
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });
  return p;
}

function service(doc: PsDoc, name: string): PsService {
  const s = doc.services.find((x) => x.name === name);
  assert.ok(s, `service ${name} in ps`);
  return s;
}

/** A w x h binary PPM whose pixel (x, y) is (x, y, 200). */
function ppm(w: number, h: number): Buffer {
  const pixels = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) pixels.set([x, y, 200], (y * w + x) * 3);
  return Buffer.concat([Buffer.from(`P6\n${w} ${h}\n255\n`, 'latin1'), pixels]);
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

  await t.test('health', async () => {
    assert.equal((await get(`${gw}/healthz`)).status, 200);
    assert.equal((await get(`${gw}/readyz`)).status, 200);
  });

  let created = '';
  await t.test('games: list, get, create, filter; 404 and 400 as JSON errors', async () => {
    const list = await json('GET', `${gw}/api/games`);
    assert.equal(list.status, 200);
    assert.deepEqual((list.body as { games: { id: string }[] }).games.map((g) => g.id).sort(), ['maze', 'rocket', 'tetra']);

    const one = await json('GET', `${gw}/api/games/tetra`);
    assert.equal(one.status, 200);
    assert.deepEqual(one.body, {
      game: { id: 'tetra', title: 'Tetra', genre: 'puzzle', description: 'Falling blocks, cleared line by line.', createdAt: (one.body as { game: { createdAt: string } }).game.createdAt },
      topScores: [],
    });

    const missing = await json('GET', `${gw}/api/games/nope`);
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body, { error: { code: 'not_found', message: 'no game nope' } });

    const made = await json('POST', `${gw}/api/games`, { title: 'Star Chase', genre: 'Arcade', description: 'zoom' });
    assert.equal(made.status, 201);
    const game = (made.body as { game: { id: string; title: string; genre: string } }).game;
    assert.match(game.id, /^star-chase-[0-9a-f]{6}$/);
    assert.deepEqual([game.title, game.genre], ['Star Chase', 'arcade']);
    created = game.id;
    const arcade = await json('GET', `${gw}/api/games?genre=arcade`);
    assert.deepEqual((arcade.body as { games: { id: string }[] }).games.map((g) => g.id), ['rocket', created]);

    const untitled = await json('POST', `${gw}/api/games`, { genre: 'puzzle' });
    assert.equal(untitled.status, 400);
    assert.equal((untitled.body as { error: { code: string } }).error.code, 'invalid_argument');
    const blank = await json('POST', `${gw}/api/games`, { title: '  ' });
    assert.deepEqual(blank, { status: 400, body: { error: { code: 'invalid_argument', message: 'title is required' } } });
    assert.equal((await send('DELETE', `${gw}/api/games`)).status, 405);
  });

  await t.test('scores: submit with rank, the leaderboard on the game page, 404 for an unknown game', async () => {
    assert.deepEqual(await json('POST', `${gw}/api/scores`, { gameId: 'tetra', player: 'ann', points: 100 }), { status: 201, body: { rank: 1 } });
    assert.deepEqual(await json('POST', `${gw}/api/scores`, { gameId: 'tetra', player: 'bob', points: 150 }), { status: 201, body: { rank: 1 } });
    assert.deepEqual(await json('POST', `${gw}/api/scores`, { gameId: 'tetra', player: 'cy', points: 120 }), { status: 201, body: { rank: 2 } });
    const page = await json('GET', `${gw}/api/games/tetra`);
    assert.deepEqual(
      (page.body as { topScores: { player: string; points: number }[] }).topScores.map((s) => [s.player, s.points]),
      [['bob', 150], ['cy', 120], ['ann', 100]],
    );
    const unknown = await json('POST', `${gw}/api/scores`, { gameId: 'nope', player: 'ann', points: 1 });
    assert.deepEqual(unknown, { status: 404, body: { error: { code: 'not_found', message: 'no game nope' } } });
    assert.equal((await json('POST', `${gw}/api/scores`, { gameId: 'tetra', player: 'ann' })).status, 400);
  });

  await t.test('events: accepted with 202, balanced over both analytics replicas, a repeated id counted once', async () => {
    const replicas = new Set<string>();
    for (let i = 0; i < 16; i++) {
      const r = await json('POST', `${gw}/api/events`, { name: 'play', gameId: 'tetra', player: 'ann' });
      assert.equal(r.status, 202);
      const body = r.body as { accepted: boolean; replica: string; count: number };
      assert.equal(body.accepted, true);
      replicas.add(body.replica);
    }
    // Two replicas, each picked with probability 1/2 per call: all 16 on one is a 2^-15 chance.
    assert.deepEqual([...replicas].sort(), ['analytics.1', 'analytics.2']);
    // A duplicate is only caught by the replica that saw the id: repeat until one lands there.
    const first = (await json('POST', `${gw}/api/events`, { eventId: 'e2e-once', name: 'quit' })).body as { replica: string; count: number };
    await until('a repeat of the event id to reach the replica that counted it', async () => {
      const again = (await json('POST', `${gw}/api/events`, { eventId: 'e2e-once', name: 'quit' })).body as { accepted: boolean; replica: string; count: number };
      if (again.replica !== first.replica) return undefined;
      assert.deepEqual(again, { accepted: false, replica: first.replica, count: first.count });
      return true;
    });
    assert.equal((await json('POST', `${gw}/api/events`, { name: 'Bad Name!' })).status, 400);
  });

  await t.test('thumbnails: a PPM cover is cropped to its centre; a format it does not read is 400', async () => {
    const r = await send('POST', `${gw}/api/thumbnails?width=4&height=2`, ppm(10, 6), { 'content-type': 'image/x-portable-pixmap' });
    assert.equal(r.status, 200, r.body.toString());
    assert.equal(r.headers['content-type'], 'image/x-portable-pixmap');
    assert.deepEqual([r.headers['x-image-width'], r.headers['x-image-height']], ['4', '2']);
    const header = Buffer.from('P6\n4 2\n255\n', 'latin1');
    assert.deepEqual(r.body.subarray(0, header.length), header);
    // The centred 4x2 window of 10x6 starts at (3, 2).
    assert.deepEqual([...r.body.subarray(header.length, header.length + 3)], [3, 2, 200]);
    const png = await send('POST', `${gw}/api/thumbnails?width=4&height=2`, Buffer.from('not a png'), { 'content-type': 'image/png' });
    assert.equal(png.status, 400);
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
